/**
 * Fillers for the training texts: names, places and addresses from @faker-js/faker's
 * locales (MIT), hand-written romanised East Asian names, and things that look like names
 * but are not (organisations, products, songs, months, job titles).
 */
import { allFakers, type Faker } from "@faker-js/faker";
import type { Rng } from "./rng";
import { monthNames, weekdayNames } from "../../scripts/lib/calendar.mjs";

/** Locales whose names are written in Latin script, with a rough weight. */
const LATIN_NAME_LOCALES: [string, number][] = [
  ["en_US", 6],
  ["en_GB", 4],
  ["en_IN", 4],
  ["en_AU", 1],
  ["en_NG", 2],
  ["en_IE", 1],
  ["en_ZA", 1],
  ["de", 4],
  ["de_CH", 1],
  ["fr", 4],
  ["fr_CA", 1],
  ["es", 4],
  ["es_MX", 2],
  ["it", 4],
  ["nl", 3],
  ["pt_BR", 4],
  ["pt_PT", 2],
  ["fi", 2],
  ["sv", 2],
  ["nb_NO", 1],
  ["da", 1],
  ["pl", 2],
  ["cs_CZ", 1],
  ["sk", 1],
  ["hu", 1],
  ["ro", 1],
  ["hr", 1],
  ["lv", 1],
  ["tr", 2],
  ["vi", 2],
  ["id_ID", 2],
  ["af_ZA", 1],
  ["az", 1],
  ["yo_NG", 1],
  ["zu_ZA", 1],
  ["ro_MD", 1],
  ["sr_RS_latin", 1],
  ["uz_UZ_latin", 1],
  ["en_GH", 1],
  ["en_HK", 1],
  ["eo", 1],
  ["ku_kmr_latin", 1],
  ["lv", 1],
  ["cy", 1],
];
const SCRIPT_NAME_LOCALES: [string, number][] = [
  ["ru", 3],
  ["uk", 2],
  ["el", 1],
  ["ar", 2],
  ["he", 1],
  ["ja", 2],
  ["ko", 2],
  ["zh_CN", 2],
  ["zh_TW", 1],
  ["fa", 1],
  ["ne", 1],
  ["th", 1],
  ["ka_GE", 1],
  ["hy", 1],
  ["mk", 1],
  ["bn_BD", 1],
];
const PLACE_LOCALES: [string, number][] = [
  ["en_US", 5],
  ["en_GB", 3],
  ["en_IN", 2],
  ["en_AU", 1],
  ["en_CA", 1],
  ["de", 3],
  ["de_AT", 1],
  ["fr", 3],
  ["es", 2],
  ["es_MX", 1],
  ["it", 2],
  ["nl", 2],
  ["pt_BR", 2],
  ["pt_PT", 1],
  ["fi", 1],
  ["sv", 1],
  ["pl", 1],
  ["tr", 1],
  ["vi", 1],
  ["nb_NO", 1],
  ["da", 1],
  ["cs_CZ", 1],
  ["hu", 1],
  ["ro", 1],
  ["hr", 1],
  ["id_ID", 1],
  ["en_IE", 1],
  ["en_ZA", 1],
  ["en_NG", 1],
  ["fr_CH", 1],
];

/** Romanised Chinese, Japanese and Korean names (hand-written, common forms). */
const CJK_ROMAN = {
  zhFamily:
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding Ren Shen Yao Jin Fu Chan Wong Leung Cheung Lau Ho Ng Tse Chow Kwok Tsang".split(
      " ",
    ),
  zhGiven:
    "Wei Fang Min Jing Li Qiang Lei Jun Yang Yong Yan Jie Tao Ming Chao Xiu Xia Hui Ping Gang Hao Yu Xin Yi Jian Bo Lan Hong Zihan Haoran Yutong Xinyi Zhiwei Jiahui Yiming Xiaoling Mingyu Ruoxi Zhihao Shuang Tingting Meiling Kai Ling Qing".split(
      " ",
    ),
  jaFamily:
    "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu Yamazaki Mori Abe Ikeda Hashimoto Ishikawa Ogawa Okada Fujita Goto Hasegawa Murakami Kondo Ishii Sakamoto Endo Aoki Fujii Nishimura Fukuda Ota Miura Takeuchi Nakajima Okamoto Matsuda Harada Nakagawa Iwase Hoshino Kurosawa".split(
      " ",
    ),
  jaGiven:
    "Haruto Yuto Sota Yuki Hayato Haruki Ryusei Koki Sora Riku Hinata Daiki Kenji Takeshi Hiroshi Akira Satoshi Yui Aoi Yuna Hina Sakura Mei Rin Akari Yuka Emi Naoko Keiko Yoko Ayumi Misaki Haruka Kaori Tomoko Noriko Kazuki Shota Ren Kaito Mio".split(
      " ",
    ),
  koFamily:
    "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Jeon Hong Yoo Ko Moon Yang Son Bae Baek Heo Nam Noh".split(
      " ",
    ),
  koGiven:
    "Min-jun Seo-yeon Ji-ho Ha-eun Do-yun Ji-woo Seo-jun Su-bin Ye-jin Hyun-woo Ji-hoon Eun-ji Jae-won Sung-min Young-ho Hye-jin Dong-hyun Min-seo Joon-young Soo-ah Minji Jisoo Jiwon Yuna Taeyang Jimin Hyejin Seojun".split(
      " ",
    ),
};

export interface Person {
  text: string;
  /** For greetings and single-name mentions. */
  first: string;
  last: string;
}

export class Pools {
  private latin: Faker[];
  private script: Faker[];
  private places: Faker[];
  private en: Faker;

  constructor(private rng: Rng) {
    const pick = (list: [string, number][]) =>
      list.flatMap(([l, w]) =>
        allFakers[l as keyof typeof allFakers] ? Array(w).fill(allFakers[l as keyof typeof allFakers]) : [],
      );
    this.latin = pick(LATIN_NAME_LOCALES);
    this.script = pick(SCRIPT_NAME_LOCALES);
    this.places = pick(PLACE_LOCALES);
    this.en = allFakers.en;
    // Faker draws from its own generator: seed every locale so the texts repeat exactly.
    for (const name of Object.keys(allFakers).sort()) allFakers[name as keyof typeof allFakers].seed(rng.int(2 ** 31));
  }

  private safe(f: () => string, fallback: string): string {
    try {
      const s = f();
      return s && s.trim() ? s.trim() : fallback;
    } catch {
      return fallback;
    }
  }

  /** A person: mostly Latin script; sometimes romanised CJK; sometimes in its own script. */
  person(nativeScript = false): Person {
    const r = this.rng.next();
    if (nativeScript || r < 0.06) {
      const f = this.rng.pick(this.script);
      const first = this.safe(() => f.person.firstName(), "Иван");
      const last = this.safe(() => f.person.lastName(), "Петров");
      const eastern = f === allFakers.ja || f === allFakers.zh_CN || f === allFakers.zh_TW || f === allFakers.ko;
      if (eastern && this.rng.next() < 0.6)
        return { text: `${last}${this.rng.next() < 0.5 ? "" : " "}${first}`, first, last };
      return { text: `${first} ${last}`, first, last };
    }
    if (r < 0.16) {
      const k = this.rng.int(3);
      const [fam, giv] =
        k === 0
          ? [CJK_ROMAN.zhFamily, CJK_ROMAN.zhGiven]
          : k === 1
            ? [CJK_ROMAN.jaFamily, CJK_ROMAN.jaGiven]
            : [CJK_ROMAN.koFamily, CJK_ROMAN.koGiven];
      const first = this.rng.pick(giv);
      const last = this.rng.pick(fam);
      return { text: this.rng.next() < 0.3 ? `${last} ${first}` : `${first} ${last}`, first, last };
    }
    if (r < 0.22) {
      // Slavic names transliterated from faker's Cyrillic locales (-ova, -enko, -ski).
      const f = this.rng.pick([allFakers.ru, allFakers.uk, allFakers.ru]);
      const first = translit(this.safe(() => f.person.firstName(), "Ivan"));
      const last = translit(this.safe(() => f.person.lastName(), "Petrov"));
      return { text: `${first} ${last}`, first, last };
    }
    const f = this.rng.pick(this.latin);
    const first = this.safe(() => f.person.firstName(), "Anna").split(" ")[0];
    let last = this.safe(() => f.person.lastName(), "Berg");
    if (this.rng.next() < 0.5 && last.includes(" ")) last = last.split(" ")[0];
    const middle =
      this.rng.next() < 0.06
        ? ` ${this.safe(() => f.person.firstName(), "Marie").split(" ")[0]}`
        : this.rng.next() < 0.04
          ? ` ${first[0] === "X" ? "J" : this.rng.pick([..."ABCDEFGHJKLMNPRSTW"])}.`
          : "";
    return { text: `${first}${middle} ${last}`, first, last };
  }

  city(): string {
    const f = this.rng.pick(this.places);
    return this.safe(() => f.location.city(), "Kuopio");
  }

  country(): string {
    const f = this.rng.next() < 0.7 ? this.en : this.rng.pick(this.places);
    return this.safe(() => f.location.country(), "Finland");
  }

  state(): string {
    const f = this.rng.pick(this.places);
    return this.safe(() => f.location.state(), "Ohio");
  }

  /** A street address in the style of a locale: street line, unit, postcode, city, region. */
  address(): string {
    const f = this.rng.pick(this.places);
    const zip = () => this.safe(() => f.location.zipCode(), "70100");
    const city = () => this.safe(() => f.location.city(), "Kuopio");
    const n = () => String(1 + this.rng.int(this.rng.next() < 0.5 ? 99 : 9999));
    let a = this.safe(() => f.location.streetAddress(this.rng.next() < 0.2), "Via Roma 71");
    const r = this.rng.next();
    if (r < 0.3) a += `, ${zip()} ${city()}`;
    else if (r < 0.45) a += `, ${city()}${this.rng.next() < 0.5 ? ` ${zip()}` : ""}`;
    else if (r < 0.55) {
      const us = allFakers.en_US;
      a = `${us.location.streetAddress(this.rng.next() < 0.3)}, ${us.location.city()}, ${us.location.state({ abbreviated: true })} ${us.location.zipCode("#####")}`;
    } else if (r < 0.6)
      a = `${this.rng.pick(["Flat", "Apt", "Apt.", "Unit", "Suite"])} ${n()}, ${a}, ${city()} ${zip()}`;
    else if (r < 0.66)
      a = `${this.rng.pick(["PO Box", "P.O. Box", "Postfach", "Apartado", "Casella Postale", "Box"])} ${n()}, ${this.rng.next() < 0.5 ? `${city()}, ${zip()}` : `${zip()} ${city()}`}`;
    else if (r < 0.7) a += ` ${this.rng.pick(["Apt", "Apt.", "Suite", "Ste", "Unit", "#"])} ${n()}`;
    else if (r < 0.74) a += `, ${zip()} ${city()} (${this.rng.pick(["RM", "MI", "TO", "NA", "FI", "BO"])})`;
    else if (r < 0.78) {
      const br = allFakers.pt_BR;
      a = `${this.rng.pick(["Rua", "Avenida", "Travessa", "Alameda"])} ${br.person.lastName()}, ${n()}${this.rng.next() < 0.3 ? `, apto ${n()}` : ""} - ${br.location.city()} - ${br.location.state({ abbreviated: true })}, ${br.location.zipCode()}`;
    } else if (r < 0.81)
      a = `${this.rng.pick(["Plot", "No.", "Flat", "House"])} ${n()}, ${1 + this.rng.int(12)}${this.rng.pick(["st", "nd", "th"])} ${this.rng.pick(["Cross", "Main", "Street", "Road"])}, ${allFakers.en_IN.location.street()}, ${allFakers.en_IN.location.city()} ${allFakers.en_IN.location.zipCode()}`;
    else if (r < 0.84)
      a = `${n()}, ${this.rng.pick(["rue", "avenue", "boulevard", "chemin", "place"])} ${this.rng.pick(["des", "de la", "du", "de"])} ${allFakers.fr.person.lastName()}, ${allFakers.fr.location.zipCode()} ${allFakers.fr.location.city()}`;
    else if (r < 0.87)
      a = `${allFakers.tr.location.street()} No: ${n()} D: ${n()}, ${allFakers.tr.location.zipCode()} ${allFakers.tr.location.city()}`;
    else if (r < 0.9) {
      const gb = allFakers.en_GB;
      a = `${this.rng.next() < 0.4 ? `Flat ${n()}, ` : ""}${gb.location.streetAddress()}, ${gb.location.city()} ${gb.location.zipCode()}`;
    } else if (r < 0.92)
      a = `${this.rng.pick(["Calle", "Avenida", "Paseo", "Plaza"])} ${this.rng.pick(["de ", "del ", ""])}${allFakers.es.person.lastName()} ${n()}, ${1 + this.rng.int(9)}º ${this.rng.pick(["A", "B", "izq.", "dcha."])}, ${allFakers.es.location.zipCode()} ${allFakers.es.location.city()}`;
    return a;
  }

  org(): string {
    const r = this.rng.next();
    if (r < 0.3) return this.safe(() => this.rng.pick(this.places).company.name(), "Acme Corp");
    if (r < 0.45) return `${this.capWord()} ${this.rng.pick(ORG_TAILS)}`;
    if (r < 0.55)
      return `${this.rng.pick(["University of", "Bank of", "Port of", "Museum of", "Republic of", "College of"])} ${this.city()}`;
    if (r < 0.65)
      return `${this.city()} ${this.rng.pick(["University", "Country Club", "Hospital", "City Council", "FC", "Airport", "Public Library", "Chamber of Commerce"])}`;
    return this.rng.pick(ORGS);
  }

  product(): string {
    return this.rng.next() < 0.5
      ? this.safe(() => this.en.commerce.productName(), "Rustic Chair")
      : this.rng.pick(PRODUCTS);
  }

  title(): string {
    const r = this.rng.next();
    if (r < 0.4) return this.safe(() => this.en.music.songName(), "Hey Jude");
    if (r < 0.7) return this.safe(() => this.en.book.title(), "War and Peace");
    return this.safe(() => this.en.music.artist(), "The Beatles");
  }

  job(): string {
    return this.safe(() => this.en.person.jobTitle(), "Senior Engineer");
  }

  capWord(): string {
    return this.rng.pick(CAP_WORDS);
  }
}

const ORG_TAILS =
  "Inc. Ltd LLC GmbH AG S.A. plc Group Holdings Labs Systems Solutions Partners Foundation Institute Bank Capital Logistics Analytics Studios Pharma Motors Airlines Insurance".split(
    " ",
  );
const ORGS = [
  "European Union",
  "United Nations",
  "World Health Organization",
  "Red Cross",
  "Google",
  "Microsoft",
  "Amazon",
  "Apple",
  "Netflix",
  "Spotify",
  "Salesforce",
  "Deutsche Bahn",
  "Air France",
  "British Airways",
  "Lufthansa",
  "Ryanair",
  "Vodafone",
  "Telefónica",
  "Orange",
  "Siemens",
  "Toyota",
  "Samsung",
  "Nestlé",
  "IKEA",
  "Zalando",
  "Shopify",
  "Stripe",
  "PayPal",
  "Revolut",
  "Monzo",
  "Barclays",
  "HSBC",
  "Santander",
  "Harvard University",
  "Stanford University",
  "Oxford University",
  "Imperial College",
  "NASA",
  "FIFA",
  "UNICEF",
  "Interpol",
  "Premier League",
  "Real Madrid",
  "Manchester United",
  "Bayern Munich",
  "Juventus",
  "Ajax",
  "Tesla",
  "Ford",
  "General Motors",
  "Goldman Sachs",
  "Morgan Stanley",
  "Slack",
  "Zoom",
  "Jira",
  "GitHub",
  "Dropbox",
  "Notion",
  "Figma",
  "Atlassian",
  "Oracle",
  "SAP",
  "Adobe",
  "Intel",
  "Nvidia",
  "Uber",
  "Lyft",
  "Airbnb",
  "Booking.com",
  "Expedia",
  "DHL",
  "FedEx",
  "UPS",
  "Royal Mail",
  "La Poste",
  "Correos",
  "Poste Italiane",
  "PostNL",
  "Canada Post",
  "Home Depot",
  "Walmart",
  "Target",
  "Tesco",
  "Sainsbury's",
  "Carrefour",
  "Aldi",
  "Lidl",
  "Mercadona",
  "Costco",
  "Best Buy",
  "Whole Foods",
  "Supreme Court",
  "Ministry of Health",
  "Department of Transportation",
  "Internal Revenue Service",
  "National Health Service",
  "Social Security Administration",
];
const PRODUCTS = [
  "iPhone 15",
  "Galaxy S24",
  "Pixel 8",
  "MacBook Pro",
  "ThinkPad X1",
  "Kindle Paperwhite",
  "PlayStation 5",
  "Xbox Series X",
  "Nintendo Switch",
  "Windows 11",
  "Office 365",
  "Photoshop",
  "Excel",
  "PowerPoint",
  "Outlook",
  "Chrome",
  "Firefox",
  "Safari",
  "Android",
  "Linux",
  "Ubuntu",
  "Premium Plan",
  "Pro Plan",
  "Gold Membership",
  "Basic Tier",
  "Enterprise Edition",
  "Model Y",
  "Corolla",
  "Golf GTI",
  "AirPods Pro",
  "Apple Watch",
];
/** Capitalised words that open sentences, headings and UI labels. */
const CAP_WORDS = [
  "Order",
  "Invoice",
  "Account",
  "Status",
  "Update",
  "Meeting",
  "Report",
  "Project",
  "Team",
  "Support",
  "Billing",
  "Delivery",
  "Refund",
  "Password",
  "Login",
  "Error",
  "Warning",
  "Notice",
  "Reminder",
  "Subject",
  "Summary",
  "Details",
  "Request",
  "Ticket",
  "Customer",
  "Service",
  "Manager",
  "Director",
  "Office",
  "Building",
  "Server",
  "Database",
  "Backup",
  "Release",
  "Version",
  "Feature",
  "Product",
  "Marketing",
  "Sales",
  "Finance",
  "Legal",
  "Security",
  "Compliance",
  "Payroll",
  "Shipping",
  "Returns",
  "Warranty",
  "Checkout",
  "Cart",
  ...weekdayNames(),
  ...monthNames(),
  "Christmas",
  "Easter",
  "Thanksgiving",
  "Ramadan",
  "Diwali",
  "Will",
  "Hope",
  "Grace",
  "Joy",
  "Faith",
  "Rose",
  "Summer",
  "Autumn",
  "Winter",
  "Spring",
  "Bill",
  "Mark",
  "Art",
  "Faith",
  "Chase",
  "Green",
  "Brown",
  "White",
  "Black",
  "Golden",
  "Silver",
  "Royal",
  "Grand",
  "Central",
  "National",
  "Global",
  "Premier",
  "Alpha",
  "Beta",
  "Phoenix",
  "Atlas",
  "Orion",
  "Apollo",
  "Mercury",
  "Jupiter",
  "Titan",
  "Falcon",
  "Eagle",
  "Tiger",
  "Lion",
  "Wolf",
  "Fox",
  "Bear",
];

const CYR: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  д: "d",
  е: "e",
  ё: "yo",
  ж: "zh",
  з: "z",
  и: "i",
  й: "y",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "kh",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "shch",
  ъ: "",
  ы: "y",
  ь: "",
  э: "e",
  ю: "yu",
  я: "ya",
  і: "i",
  ї: "yi",
  є: "ye",
  ґ: "g",
};

/** Latin transliteration of a Russian or Ukrainian name ("Волкова" → "Volkova"). */
export function translit(s: string): string {
  let out = "";
  for (const ch of s) {
    const lo = ch.toLowerCase();
    const t = CYR[lo];
    if (t === undefined) out += ch;
    else out += ch !== lo && t ? t[0].toUpperCase() + t.slice(1) : t;
  }
  return out;
}
