// Hand-written value pools for the independent PII evaluation. Written from general
// knowledge for this file only: NOT taken from @faker-js/faker, from
// src/shared/pii/gazetteer-data.ts or from the lists that file was built from.
// Every list is split by generate.mjs into a DEV half and a TEST half (alternate entries),
// and generate.mjs checks that no name token, street or place of the test half appears in
// the dev half.

/** Given names and surnames per locale (Latin script unless said otherwise). */
export const NAMES = {
  "en-US": {
    given: ["Kelsey", "Tyrone", "Brianna", "Dwight", "Shawna", "Trevor", "Latoya", "Cody", "Madison", "Garrett",
      "Jasmine", "Wyatt", "Destiny", "Brent", "Kayla", "Dustin", "Savannah", "Marcus", "Tiffany", "Bradley"],
    surname: ["Moran", "Whitfield", "Kowalczyk", "Haskins", "Delgado", "Pruitt", "McAllister", "Boone", "Renfro",
      "Yancey", "Gallagher", "Stroud", "Burkett", "Okafor", "Lindqvist", "Tanaka", "Castellano", "Huckabee"],
  },
  "en-GB": {
    given: ["Siobhan", "Alistair", "Imogen", "Rhys", "Philippa", "Callum", "Niamh", "Hamish", "Poppy", "Fergus",
      "Harriet", "Declan", "Bethan", "Ruaridh", "Tamsin", "Gareth", "Eilidh", "Dominic"],
    surname: ["Pemberton", "Ashworth", "McTavish", "Featherstone", "Llewellyn", "Crowther", "Oakley", "Braithwaite",
      "Fitzgerald", "Hargreaves", "Winterbottom", "Cholmondeley", "Pennington", "Threlfall", "Rowbotham", "Garside"],
  },
  de: {
    given: ["Jürgen", "Annegret", "Till", "Sieglinde", "Wolfgang", "Henrike", "Malte", "Frauke", "Torsten", "Wiebke",
      "Detlef", "Gudrun", "Jannik", "Ilse", "Bernd", "Sönke", "Ulrike", "Kai-Uwe"],
    surname: ["Böttcher", "Schäfer", "Kleinschmidt", "Oberhuber", "Wendt", "Grünewald", "Hoffmeister", "Ziegler",
      "Brandstätter", "Kühn", "Lindemann", "Pfeiffer", "Rautenberg", "Vogelsang", "Dreßler", "Heinemann"],
  },
  fr: {
    given: ["Amélie", "Thibault", "Ségolène", "Gaspard", "Maëlys", "Yannick", "Clémence", "Aurélien", "Solène",
      "Benoît", "Anaïs", "Gwenaël", "Océane", "Loïc", "Mathilde", "Jean-Baptiste"],
    surname: ["Lefebvre", "Dubois-Martin", "Rousseau", "Mercier", "Fontaine", "Chevalier", "Lemaire", "Gauthier",
      "Barbier", "Moreau", "Leclerc", "Fournier", "Picard", "Deschamps", "Marchand", "Bonnet"],
  },
  es: {
    given: ["Ximena", "Íñigo", "Rocío", "Álvaro", "Nerea", "Gonzalo", "Begoña", "Rodrigo", "Itziar", "Fermín",
      "Macarena", "Joaquín", "Amparo", "Sergio", "Lucía", "Alejandro"],
    surname: ["Etxeberria", "Villanueva", "Ocaña", "Barrientos", "Iglesias", "Quintero", "Zubizarreta", "Peñalver",
      "Arriaga", "Salcedo", "Montoya", "Carrasco", "Benítez", "Olmedo", "Vázquez", "Aranda"],
  },
  it: {
    given: ["Gianluca", "Ludovica", "Arianna", "Massimo", "Chiara", "Raffaele", "Benedetta", "Salvatore", "Ginevra",
      "Pierluigi", "Ottavia", "Tommaso", "Graziella", "Lorenzo", "Carmela", "Niccolò"],
    surname: ["Esposito", "Colombo", "Bianchi", "Lombardi", "Mancini", "Caruso", "Ferraro", "Galli", "Marchetti",
      "De Santis", "Fabbri", "Pellegrini", "Sartori", "Vitale", "Rinaldi", "Cattaneo"],
  },
  nl: {
    given: ["Joost", "Sanne", "Maarten", "Femke", "Bram", "Marloes", "Thijs", "Lieke", "Wouter", "Ilse-Marie",
      "Sjoerd", "Anouk", "Gijs", "Roos", "Pieter-Jan", "Floor"],
    surname: ["van der Berg", "de Vries", "Bakker", "Visser", "Smit", "de Groot", "Mulder", "van Dijk", "Vermeulen",
      "Hendriks", "van Leeuwen", "Kuipers", "Brouwer", "Schouten", "Dekker", "Jansen"],
  },
  "pt-BR": {
    given: ["João Pedro", "Thaís", "Caio", "Luana", "Vinícius", "Gabriela", "Raimundo", "Jéssica", "Otávio", "Débora",
      "Wellington", "Letícia", "Cauã", "Francisca", "Renan", "Valéria"],
    surname: ["Nascimento", "Albuquerque", "Carvalho", "Figueiredo", "Gonçalves", "Magalhães", "Oliveira", "Rezende",
      "Siqueira", "Teixeira", "Cavalcanti", "Brandão", "Moura", "Pinheiro", "Azevedo", "Sampaio"],
  },
  nordic: {
    given: ["Siiri", "Eero", "Aino", "Juhani", "Sigrún", "Björn", "Ingrid", "Oddvar", "Liv", "Mikkel", "Astrid",
      "Tuomas", "Solveig", "Halvard", "Freja", "Ragnhild"],
    surname: ["Virtanen", "Korhonen", "Guðmundsdóttir", "Sigurðsson", "Lindgren", "Bergström", "Haugland",
      "Johansen", "Mäkinen", "Nieminen", "Søndergaard", "Kristiansen", "Åberg", "Halvorsen", "Lehtonen", "Rasmussen"],
  },
  slavic: {
    given: ["Katarzyna", "Wojciech", "Zuzana", "Dmitri", "Yelena", "Miroslav", "Agnieszka", "Bogdan", "Svetlana",
      "Tomasz", "Jelena", "Radovan", "Olena", "Przemysław", "Nadezhda", "Vojtěch"],
    surname: ["Nowakowska", "Wiśniewski", "Dvořák", "Volkova", "Petrović", "Zielińska", "Kuznetsov", "Horvath",
      "Kovalenko", "Szymański", "Novotná", "Jovanović", "Lewandowska", "Sokolov", "Babić", "Krawczyk"],
  },
  tr: {
    given: ["Emre", "Zeynep", "Burak", "Elif", "Mert", "Ayşe", "Oğuz", "Gülşen", "Serkan", "Dilara", "Kaan",
      "Şebnem", "Tolga", "Merve", "Cem", "İpek"],
    surname: ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan", "Doğan", "Kılıç",
      "Aslan", "Çetin", "Kurt", "Özdemir", "Koç", "Erdoğan"],
  },
  in: {
    given: ["Priya", "Arjun", "Ananya", "Vikram", "Lakshmi", "Rohan", "Deepika", "Siddharth", "Kavya", "Rajesh",
      "Meenakshi", "Aditya", "Sunita", "Harpreet", "Ishaan", "Pooja"],
    surname: ["Natarajan", "Iyer", "Chatterjee", "Reddy", "Kulkarni", "Banerjee", "Menon", "Deshpande", "Gupta",
      "Subramanian", "Bhattacharya", "Pillai", "Chaudhary", "Rao", "Venkatesan", "Mukherjee"],
  },
  cjk: {
    given: ["Wei", "Xiaoling", "Haruto", "Yuki", "Ji-woo", "Min-jun", "Mei", "Takeshi", "Seo-yeon", "Jianguo",
      "Sakura", "Hyun-woo", "Yifan", "Kenji", "Eun-ji", "Zhiwei"],
    surname: ["Zhang", "Iwase", "Nakamura", "Park", "Liu", "Watanabe", "Choi", "Huang", "Yamaguchi", "Jeong",
      "Zhou", "Kobayashi", "Kang", "Xu", "Matsumoto", "Yoon"],
  },
  mena: {
    given: ["Youssef", "Fatima", "Omar", "Layla", "Khalid", "Nour", "Hamza", "Yasmin", "Reza", "Shirin", "Dariush",
      "Maryam", "Tariq", "Samira", "Karim", "Leila"],
    surname: ["Al-Masri", "Haddad", "Rahimi", "Benali", "El-Sayed", "Hosseini", "Nasser", "Khoury", "Farahani",
      "Bouazizi", "Al-Farsi", "Mansour", "Tehrani", "Abdullah", "Saleh", "Karimi"],
  },
  africa: {
    given: ["Chidi", "Ngozi", "Kwame", "Ama", "Thabo", "Nomvula", "Oluwaseun", "Wanjiru", "Kofi", "Zanele", "Emeka",
      "Adaeze", "Tendai", "Fola", "Sipho", "Abena"],
    surname: ["Okonkwo", "Mensah", "Ndlovu", "Adeyemi", "Mwangi", "Boateng", "Dlamini", "Eze", "Nkosi", "Otieno",
      "Asante", "Obi", "Kamau", "Chukwu", "Moyo", "Owusu"],
  },
};

/** Names in their own script (whole names; split into dev/test as a list). */
export const NATIVE_NAMES = [
  { name: "王小明", script: "Han" }, { name: "李静怡", script: "Han" }, { name: "张建国", script: "Han" },
  { name: "陈美玲", script: "Han" }, { name: "田中 美咲", script: "Japanese" }, { name: "佐藤 健太", script: "Japanese" },
  { name: "高橋 由美", script: "Japanese" }, { name: "鈴木 大輔", script: "Japanese" },
  { name: "김민준", script: "Hangul" }, { name: "박서연", script: "Hangul" }, { name: "이도현", script: "Hangul" },
  { name: "최지우", script: "Hangul" }, { name: "Анна Смирнова", script: "Cyrillic" },
  { name: "Дмитрий Волков", script: "Cyrillic" }, { name: "Олена Коваленко", script: "Cyrillic" },
  { name: "Сергей Морозов", script: "Cyrillic" }, { name: "محمد العلي", script: "Arabic" },
  { name: "فاطمة الزهراء", script: "Arabic" }, { name: "علي رضايی", script: "Arabic" },
  { name: "سارة منصور", script: "Arabic" }, { name: "प्रिया शर्मा", script: "Devanagari" },
  { name: "राहुल वर्मा", script: "Devanagari" }, { name: "अनीता देसाई", script: "Devanagari" },
  { name: "संजय मिश्रा", script: "Devanagari" }, { name: "Γιώργος Παπαδόπουλος", script: "Greek" },
  { name: "Ελένη Οικονόμου", script: "Greek" }, { name: "דוד כהן", script: "Hebrew" },
  { name: "מיכל לוי", script: "Hebrew" },
];

/** Given names that are also ordinary English words. */
export const WORD_NAMES = ["Will", "May", "Rose", "Grace", "Hope", "Mark", "Bill", "Faith", "Summer", "Joy",
  "Dawn", "Sky", "Hunter", "Iris", "Ivy", "Rusty", "Penny", "Frank", "Jack", "Autumn", "Destiny", "Chase"];
/** Surnames to pair with the word-names (plain English surnames written for this file). */
export const WORD_NAME_SURNAMES = ["Holloway", "Fairbanks", "Prentice", "Lockridge", "Tennant", "Culpepper",
  "Ashby", "Merriweather", "Dunmore", "Kettering", "Halvey", "Stanwick"];

/** Cities per locale, with the country and a region code where the format uses one. */
export const CITIES = {
  "en-US": [["Tulsa", "OK"], ["Spokane", "WA"], ["Albuquerque", "NM"], ["Savannah", "GA"], ["Boise", "ID"],
    ["Des Moines", "IA"], ["Chattanooga", "TN"], ["Providence", "RI"], ["Fresno", "CA"], ["Burlington", "VT"],
    ["Lubbock", "TX"], ["Duluth", "MN"]],
  "en-GB": [["Leeds"], ["Aberdeen"], ["Swansea"], ["Norwich"], ["Belfast"], ["Plymouth"], ["Inverness"],
    ["Sheffield"], ["Exeter"], ["Carlisle"], ["Dundee"], ["Brighton"]],
  de: [["Würzburg"], ["Bielefeld"], ["Rostock"], ["Göttingen"], ["Freiburg im Breisgau"], ["Kassel"],
    ["Lüneburg"], ["Regensburg"], ["Chemnitz"], ["Osnabrück"], ["Erfurt"], ["Mönchengladbach"]],
  fr: [["Toulouse"], ["Nantes"], ["Besançon"], ["Montpellier"], ["Rennes"], ["Clermont-Ferrand"], ["Grenoble"],
    ["Aix-en-Provence"], ["Limoges"], ["Dijon"], ["Saint-Étienne"], ["Angers"]],
  es: [["Zaragoza"], ["Valladolid"], ["Bilbao"], ["Córdoba"], ["Alicante"], ["Santander"], ["Málaga"],
    ["Salamanca"], ["Pamplona"], ["Cádiz"], ["Granada"], ["Oviedo"]],
  it: [["Bologna"], ["Torino"], ["Perugia"], ["Bari"], ["Verona"], ["Cagliari"], ["Trieste"], ["Lecce"],
    ["Bergamo"], ["Palermo"], ["Parma"], ["Modena"]],
  nl: [["Utrecht"], ["Groningen"], ["Eindhoven"], ["Leeuwarden"], ["Maastricht"], ["Zwolle"], ["Haarlem"],
    ["Nijmegen"], ["Delft"], ["Tilburg"], ["Arnhem"], ["Breda"]],
  "pt-BR": [["Curitiba", "PR"], ["Recife", "PE"], ["Belo Horizonte", "MG"], ["Fortaleza", "CE"],
    ["Porto Alegre", "RS"], ["Manaus", "AM"], ["Salvador", "BA"], ["Goiânia", "GO"], ["Florianópolis", "SC"],
    ["Belém", "PA"], ["Campinas", "SP"], ["Natal", "RN"]],
  fi: [["Kuopio"], ["Tampere"], ["Oulu"], ["Jyväskylä"], ["Turku"], ["Lahti"], ["Rovaniemi"], ["Vaasa"]],
  se: [["Uppsala"], ["Göteborg"], ["Malmö"], ["Umeå"], ["Linköping"], ["Örebro"]],
  no: [["Bergen"], ["Trondheim"], ["Tromsø"], ["Stavanger"], ["Drammen"], ["Bodø"]],
  dk: [["Aarhus"], ["Odense"], ["Aalborg"], ["Esbjerg"], ["Roskilde"], ["Vejle"]],
  pl: [["Kraków"], ["Wrocław"], ["Gdańsk"], ["Poznań"], ["Łódź"], ["Lublin"], ["Białystok"], ["Szczecin"]],
  ru: [["Kazan"], ["Novosibirsk"], ["Yekaterinburg"], ["Samara"], ["Tomsk"], ["Vladivostok"]],
  tr: [["İzmir"], ["Bursa"], ["Eskişehir"], ["Antalya"], ["Trabzon"], ["Gaziantep"]],
  in: [["Bengaluru"], ["Pune"], ["Chennai"], ["Hyderabad"], ["Kochi"], ["Jaipur"], ["Lucknow"], ["Ahmedabad"]],
  jp: [["Sapporo"], ["Fukuoka"], ["Sendai"], ["Kanazawa"], ["Nagoya"], ["Hiroshima"]],
  cn: [["Chengdu"], ["Hangzhou"], ["Wuhan"], ["Xi'an"], ["Shenzhen"], ["Nanjing"]],
  kr: [["Busan"], ["Daegu"], ["Incheon"], ["Gwangju"], ["Daejeon"], ["Suwon"]],
  mena: [["Sharjah"], ["Muscat"], ["Amman"], ["Casablanca"], ["Isfahan"], ["Alexandria"], ["Doha"], ["Tunis"]],
  africa: [["Lagos"], ["Nairobi"], ["Accra"], ["Kumasi"], ["Durban"], ["Kisumu"], ["Bulawayo"], ["Ibadan"]],
};

/** Countries (English names and some endonyms). */
export const COUNTRIES = ["Portugal", "Argentina", "New Zealand", "Deutschland", "Finland", "Morocco", "Vietnam",
  "Ireland", "Chile", "Österreich", "Kenya", "Norway", "Peru", "Sverige", "Malaysia", "Greece", "Colombia",
  "Schweiz", "Ghana", "Iceland", "Indonesia", "España", "Hungary", "Nigeria", "Uruguay", "Croatia", "Türkiye",
  "Belgium", "Philippines", "Polska", "Ecuador", "Egypt"];

/** Street name stems per address format. */
export const STREETS = {
  "en-US": ["Maple", "Sycamore", "Juniper", "Cherry Hill", "Old Mill", "Lakeview", "Hawthorne", "Briarwood",
    "Cottonwood", "Magnolia", "Chestnut Ridge", "Pinecrest", "Foxglove", "Quail Run"],
  "en-GB": ["Ladysmith", "Albion", "Kingsdown", "Beechwood", "Mafeking", "Thornhill", "Windermere", "Cranbrook",
    "Hollybush", "Fernbank", "Ashgrove", "Whitecross"],
  de: ["Lindenstraße", "Bahnhofstraße", "Am Mühlbach", "Rosenweg", "Kastanienallee", "Goethestraße",
    "Schillerplatz", "Birkenweg", "Hauptstraße", "Eichendorffstraße", "Am Sonnenhang", "Uhlandstraße"],
  fr: ["rue des Lilas", "avenue Jean Jaurès", "boulevard Voltaire", "rue du Moulin", "place de la République",
    "rue Pasteur", "allée des Tilleuls", "chemin des Vignes", "rue Victor Hugo", "impasse des Acacias",
    "rue de la Gare", "quai Saint-Michel"],
  es: ["Calle Mayor", "Avenida de la Constitución", "Calle del Carmen", "Paseo de Gracia", "Calle Alcalá",
    "Plaza del Sol", "Calle San Vicente", "Ronda de Segovia", "Calle Goya", "Avenida Diagonal",
    "Calle de Toledo", "Camino Real"],
  it: ["Via Roma", "Via Garibaldi", "Corso Vittorio Emanuele", "Via dei Mille", "Piazza Dante", "Via Mazzini",
    "Viale Europa", "Via Cavour", "Vicolo Stretto", "Via Verdi", "Largo Augusto", "Via XX Settembre"],
  nl: ["Keizersgracht", "Dorpsstraat", "Kerkstraat", "Molenweg", "Oudegracht", "Stationsplein", "Lindenlaan",
    "Prinsengracht", "Julianastraat", "Vondelstraat", "Havenkade", "Beukenlaan"],
  "pt-BR": ["Rua das Flores", "Avenida Paulista", "Rua Augusta", "Rua XV de Novembro", "Avenida Brasil",
    "Rua da Consolação", "Travessa do Comércio", "Rua Sete de Setembro", "Avenida Atlântica",
    "Rua Marechal Deodoro", "Alameda Santos", "Rua do Catete"],
  fi: ["Koivukatu", "Rantatie", "Puistokatu", "Kauppakatu", "Mäntytie", "Satamakatu", "Kirkkokatu", "Kalevankatu"],
  se: ["Storgatan", "Kungsgatan", "Drottninggatan", "Sveavägen", "Ringvägen", "Skolgatan"],
  no: ["Storgata", "Kirkegata", "Strandveien", "Parkveien", "Fjordgata", "Løkkeveien"],
  dk: ["Nørregade", "Vestergade", "Algade", "Strandvejen", "Søndergade", "Østerbrogade"],
  pl: ["ul. Długa", "ul. Floriańska", "al. Jerozolimskie", "ul. Piotrkowska", "ul. Mickiewicza", "ul. Kościuszki"],
  ru: ["ul. Lenina", "prospekt Mira", "ul. Pushkina", "Nevsky prospekt", "ul. Gagarina", "Sadovaya ul."],
  tr: ["Atatürk Caddesi", "Bağdat Caddesi", "İstiklal Caddesi", "Cumhuriyet Bulvarı", "Gazi Sokak", "Menekşe Sokak"],
  in: ["MG Road", "Linking Road", "Park Street", "Brigade Road", "Anna Salai", "Residency Road"],
  jp: ["Jingumae", "Nishi-Shinjuku", "Sakae", "Umeda", "Tenjin", "Chuo"],
  cn: ["Nanjing Road", "Huaihai Road", "Wangfujing Street", "Jiefang Avenue", "Renmin Road", "Zhongshan Road"],
  kr: ["Teheran-ro", "Sejong-daero", "Gangnam-daero", "Haeundae-ro", "Jong-ro", "Olympic-ro"],
  mena: ["Al Wasl Road", "Sheikh Zayed Road", "Rainbow Street", "Tahrir Street", "Valiasr Street", "Corniche Road"],
  africa: ["Ngong Road", "Awolowo Road", "Oxford Street", "Moi Avenue", "Adeola Odeku Street", "Florida Road"],
};

/** Things that must NOT be reported as the types listed with them. */
export const HARD_NEGATIVES = {
  org: ["European Union", "Stanford University", "Riverside Country Club", "World Health Organization",
    "Mayo Clinic", "University of Toronto", "Goldman Sachs", "Deutsche Bahn", "Morgan Stanley", "Banco Santander",
    "Johns Hopkins Hospital", "Marks & Spencer", "Ernst & Young", "Wells Fargo", "Red Cross", "Ford Foundation",
    "Lloyds Bank", "Trinity College Dublin", "Boston Consulting Group", "Royal Mail", "Salvation Army",
    "Harvard Law School", "Pinewood Golf Club", "Kellogg School of Management"],
  product: ["iPhone 15 Pro", "Galaxy Tab S9", "ThinkPad X1 Carbon", "Kindle Paperwhite", "Visual Studio Code",
    "Model Y", "Photoshop", "PlayStation 5", "Surface Laptop", "Alexa", "Apple Watch Ultra", "Jira Service Desk",
    "Google Sheets", "Dyson V15", "Nintendo Switch", "Pixel Buds"],
  song: ["Bohemian Rhapsody", "Billie Jean", "Hotel California", "Sweet Caroline", "Jolene", "Hey Jude",
    "Imagine Dragons", "Fleetwood Mac", "Pink Floyd", "Roxanne", "Florence and the Machine", "Arctic Monkeys",
    "Mrs Robinson", "Johnny B. Goode", "Eleanor Rigby", "Dancing Queen"],
  month: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December"],
  title: ["Project Manager", "Head of Sales", "Chief Executive Officer", "Senior Engineer", "Customer Success Lead",
    "Data Protection Officer", "Vice President", "Office Manager"],
};
