// Hand-written templates for the independent PII evaluation, in many registers. DEV and
// TEST templates are disjoint (different wording and structure); generate.mjs checks that
// no template text is shared. Slots in braces are filled by generate.mjs:
//   PII (labelled): NAME NAME2 GIVEN GIVEN2 SURNAME WNAME WGIVEN NATIVE CITY CITY2 COUNTRY ADDRESS
//     MLADDRESS (over lines) STREET POBOX PHONE PHONE2 DATE DATE2 DOB YEAR EMAIL EMAIL2
//     ROLEMAIL (billing@..., still an EMAIL) IBAN CARD EXP SSN IP4 IP6 URL ABA
//   hard negatives (must not be reported): ORG PRODUCT SONG MONTH TITLE VERSION ORDER BIGNUM REQID
//   log timestamps (TS) and chat clock times (CLOCK CLOCK2): not labelled; only a DATE_TIME
//   finding on them is tolerated.
// Text in templates that is not a slot is never PII; ordinary words such as "will", "hope",
// "mark", "bill", "may" appear in it on purpose, marked [[will]] to count as hard negatives.

export const DEV = [
  // support chats
  {
    id: "d-chat-1",
    reg: "chat",
    t: "Agent: Hi, who am I speaking with?\nCustomer: This is {NAME}, I [[will]] need help with my {PRODUCT}.",
  },
  {
    id: "d-chat-2",
    reg: "chat",
    t: "[{TS}] {GIVEN}: my new number is {PHONE}, please update it\n[{TS}] support: done, anything else?",
  },
  {
    id: "d-chat-3",
    reg: "chat",
    t: "Hey, it's {WGIVEN}. Could you resend the invoice to {EMAIL}? I [[hope]] it arrives before {MONTH}.",
  },
  {
    id: "d-chat-4",
    reg: "chat",
    t: "{GIVEN}: ok so the parcel should go to {ADDRESS}\n{GIVEN2}: noted, shipping tomorrow",
  },
  {
    id: "d-chat-5",
    reg: "chat",
    t: "user> can you ask {GIVEN} to call me back on {PHONE}? [[will]] be around until 6",
  },
  {
    id: "d-chat-6",
    reg: "chat",
    t: "Thanks {WNAME}! [[Mark]] the ticket as solved once the refund to {IBAN} is booked.",
  },
  { id: "d-chat-7", reg: "chat", t: "My card {CARD} (exp {EXP}) was charged twice for {PRODUCT}, can someone look?" },
  { id: "d-chat-8", reg: "chat", t: "{NATIVE}: 你好, please call me at {PHONE}" },
  // emails and letters
  {
    id: "d-mail-1",
    reg: "email",
    t:
      "Dear {NAME},\n\nThank you for your letter of {DATE}. We have updated your address to {ADDRESS}.\n\nKind " +
      "regards,\n{NAME2}\n{TITLE}, {ORG}",
  },
  {
    id: "d-mail-2",
    reg: "email",
    t:
      "Hello {GIVEN},\nyour appointment is confirmed for {DATE}. If you cannot make it, reply to this mail or " +
      "phone {PHONE}.\nBest, {GIVEN2}",
  },
  {
    id: "d-mail-3",
    reg: "email",
    t: "From: {NAME} <{EMAIL}>\nTo: {ROLEMAIL}\nSubject: Refund\n\nPlease refund to IBAN {IBAN}. Thanks!",
  },
  {
    id: "d-mail-4",
    reg: "email",
    t: "Hi all, {NAME} from our {CITY} office joins on {DATE}. She was at {ORG} before. Say hello!",
  },
  {
    id: "d-mail-5",
    reg: "letter",
    t:
      "{NAME}\n{ADDRESS}\n\n{CITY}, {DATE}\n\nRe: your application\n\nDear Ms {SURNAME}, we [[will]] get back to " +
      "you in {MONTH}.",
  },
  {
    id: "d-mail-6",
    reg: "email",
    t:
      "Sehr geehrte Frau {SURNAME},\nvielen Dank für Ihre Nachricht vom {DATE}. Ihre neue Anschrift lautet " +
      "{ADDRESS}.\nMit freundlichen Grüßen",
  },
  {
    id: "d-mail-7",
    reg: "email",
    t: "Bonjour {GIVEN}, votre colis part de {CITY} demain. Contact : {PHONE}. Cordialement",
  },
  {
    id: "d-mail-8",
    reg: "email",
    t: "Hola {NAME}: te escribo desde {CITY}, {COUNTRY}. Mi móvil es {PHONE}. Un abrazo",
  },
  // forms
  {
    id: "d-form-1",
    reg: "form",
    t: "Name: {NAME}\nDate of birth: {DOB}\nPhone: {PHONE}\nEmail: {EMAIL}\nAddress: {ADDRESS}",
  },
  {
    id: "d-form-2",
    reg: "form",
    t: "FULL NAME ........ {NAME}\nSSN .............. {SSN}\nROUTING NO ....... {ABA}\nCITY ............. {CITY}",
  },
  { id: "d-form-3", reg: "form", t: "Applicant: {NAME} | born {YEAR} | nationality: {COUNTRY} | contact {EMAIL}" },
  {
    id: "d-form-4",
    reg: "form",
    t: "Card holder: {NAME}; number: {CARD}; valid thru {EXP}; billing address: {ADDRESS}",
  },
  { id: "d-form-5", reg: "form", t: "Mailing address: {POBOX}\nDaytime phone: {PHONE}" },
  // log lines
  { id: "d-log-1", reg: "log", t: "{TS} INFO  auth: login ok user={EMAIL} ip={IP4} req={REQID}" },
  { id: "d-log-2", reg: "log", t: '{TS} WARN  payments: card {CARD} declined for customer "{NAME}" (order {ORDER})' },
  { id: "d-log-3", reg: "log", t: "{TS} DEBUG net: connection from {IP6} closed after 30s (client {VERSION})" },
  { id: "d-log-4", reg: "log", t: "{TS} ERROR sms: delivery to {PHONE} failed, retry 3/5" },
  { id: "d-log-5", reg: "log", t: '{IP4} - - [{TS}] "GET /api/users/{REQID} HTTP/1.1" 200 {BIGNUM} "{URL}"' },
  // CSV rows
  { id: "d-csv-1", reg: "csv", t: "name,card,exp\n{GIVEN},{CARD},{EXP}" },
  { id: "d-csv-2", reg: "csv", t: "{PHONE},{PHONE2}" },
  { id: "d-csv-3", reg: "csv", t: "id,full_name,city,phone\n{REQID},{NAME},{CITY},{PHONE}" },
  { id: "d-csv-4", reg: "csv", t: "{SURNAME};{GIVEN};{DOB};{IBAN}" },
  { id: "d-csv-5", reg: "csv", t: '"{NAME}","{EMAIL}","{COUNTRY}",{BIGNUM}' },
  // meeting notes and tickets
  {
    id: "d-note-1",
    reg: "notes",
    t: "Attendees: {NAME}, {NAME2}, {WNAME}\nAction: {GIVEN} to send the {PRODUCT} quote by {DATE}.",
  },
  {
    id: "d-note-2",
    reg: "notes",
    t: "- called {SURNAME} re: contract, she [[will]] sign on {DATE}\n- next sync in {MONTH}",
  },
  {
    id: "d-ticket-1",
    reg: "ticket",
    t: "TICKET {ORDER}: customer {NAME} reports that {PRODUCT} {VERSION} crashes. Reach at {EMAIL}.",
  },
  {
    id: "d-ticket-2",
    reg: "ticket",
    t: "Assigned to {GIVEN}. Reporter lives in {CITY} and asked for a visit at {ADDRESS} on {DATE}.",
  },
  {
    id: "d-ticket-3",
    reg: "ticket",
    t: "Bug: server {IP4} returns 500 when user {GIVEN} uploads a file. Repro on {VERSION}.",
  },
  // prose with hard negatives
  {
    id: "d-neg-1",
    reg: "prose",
    t: "The {ORG} announced a partnership; {PRODUCT} {VERSION} ships in {MONTH}. Order {ORDER} total {BIGNUM}.",
  },
  {
    id: "d-neg-2",
    reg: "prose",
    t: "Playlist for the party: {SONG}, {SONG2}. [[Will]] we [[hope]] for sunshine in {MONTH}?",
  },
  { id: "d-neg-3", reg: "prose", t: "Our {TITLE} met the team from {ORG} to discuss the {PRODUCT} roll-out." },
  {
    id: "d-neg-4",
    reg: "prose",
    t: "Refund reference {ORDER} was booked; please [[mark]] it in {PRODUCT} before {MONTH}.",
  },
  // mixed prose
  { id: "d-prose-1", reg: "prose", t: "{NAME} moved from {CITY} to {CITY2} in {YEAR} and now works as a nurse." },
  {
    id: "d-prose-2",
    reg: "prose",
    t: "I met {WGIVEN} at the {ORG} gala; she said to ask {GIVEN} about the flat at {STREET}.",
  },
  { id: "d-prose-3", reg: "prose", t: "Visit {URL} or write to {EMAIL}. Our server is at {IP6}." },
  { id: "d-prose-4", reg: "prose", t: "ask {GIVEN}" },
  { id: "d-prose-5", reg: "prose", t: "Since {YEAR} {NAME} has lived at {ADDRESS}." },
  // JSON records
  { id: "d-json-1", reg: "json", json: { name: "{NAME}", email: "{EMAIL}", phone: "{PHONE}", plan: "{PRODUCT}" } },
  {
    id: "d-json-2",
    reg: "json",
    json: { customer: { first_name: "{GIVEN}", last_name: "{SURNAME}", dob: "{DOB}" }, address: "{ADDRESS}" },
  },
  {
    id: "d-json-3",
    reg: "json",
    json: { event: "payment", card: "{CARD}", iban: "{IBAN}", note: "paid by {NAME} on {DATE}", order: "{ORDER}" },
  },
  {
    id: "d-json-4",
    reg: "json",
    json: {
      messages: [
        { role: "user", content: "Hi, I'm {GIVEN} from {CITY}. Please call {PHONE}." },
        { role: "assistant", content: "Sure, we [[will]] call you." },
      ],
    },
  },
  { id: "d-json-5", reg: "json", json: { ssn: "{SSN}", routing: "{ABA}", ip: "{IP4}", client: "{VERSION}" } },
  { id: "d-json-6", reg: "json", json: { author: "{NATIVE}", city: "{CITY}", country: "{COUNTRY}", org: "{ORG}" } },
  // more registers: SMS, signatures, multi-line addresses, markdown, HTML, YAML, transcripts
  { id: "d-sms-1", reg: "sms", t: "Hi its {GIVEN} again, running 10 min late, call {PHONE} if u need me" },
  {
    id: "d-sms-2",
    reg: "sms",
    t: "{SURNAME}: parcel left with neighbour at {STREET}. Questions? Reply or ring {PHONE}",
  },
  { id: "d-sig-1", reg: "email", t: "Best regards,\n\n{NAME}\n{TITLE} | {ORG}\nT: {PHONE}\nE: {EMAIL}" },
  { id: "d-sig-2", reg: "email", t: "--\n{NAME}\n{MLADDRESS}\nMobile {PHONE}" },
  {
    id: "d-md-1",
    reg: "markdown",
    t: "| Name | Phone | City |\n|---|---|---|\n| {NAME} | {PHONE} | {CITY} |\n| {NAME2} | {PHONE2} | {CITY2} |",
  },
  { id: "d-html-1", reg: "html", t: '<p>Contact: <b>{NAME}</b>, <a href="mailto:{EMAIL}">{EMAIL}</a></p>' },
  {
    id: "d-yaml-1",
    reg: "yaml",
    t: 'owner:\n  name: {NAME}\n  email: {EMAIL}\n  phone: "{PHONE}"\nversion: {VERSION}',
  },
  {
    id: "d-call-1",
    reg: "transcript",
    t:
      "agent: can i take your full name please\ncaller: yeah it's {NAME}\nagent: and your date of birth\ncaller: " +
      "{DOB}",
  },
  {
    id: "d-rev-1",
    reg: "review",
    t: "Dr. {SURNAME} at the {CITY} clinic was great, though the {PRODUCT} app kept crashing. 4/5",
  },
  {
    id: "d-form-6",
    reg: "form",
    t: "Surname, first name: {SURNAME}, {GIVEN}\nPostal address: {ADDRESS}\nIBAN: {IBAN}",
  },
  { id: "d-kv-1", reg: "log", t: "user_name={NAME}; user_city={CITY}; card_last_used={CARD}; ts={TS}" },
  {
    id: "d-chat-9",
    reg: "chat",
    t: "{NAME2} (guest) joined the chat\n{NAME2}: hello, my cousin {NAME} gave me your number",
  },
  {
    id: "d-ticket-4",
    reg: "ticket",
    t: "Re-opened by {GIVEN}: the engineer never came to {MLADDRESS}\nCallback: {PHONE} ext. 204",
  },
  {
    id: "d-note-3",
    reg: "notes",
    t: "{GIVEN}'s birthday is {DOB}; party at {ORG} clubhouse, bring the {SONG} playlist",
  },
  { id: "d-prose-6", reg: "prose", t: "{NATIVE}, who was born in {CITY} in {YEAR}, now lives in {COUNTRY}." },
  {
    id: "d-json-7",
    reg: "json",
    json: {
      contact: "{NAME} <{EMAIL}>",
      shipping: { line1: "{STREET}", city: "{CITY}", country: "{COUNTRY}" },
      sku: "{ORDER}",
    },
  },
  {
    id: "d-json-8",
    reg: "json",
    json: { text: "{GIVEN} wrote from {IP4} on {DATE}: please close my account", lang: "en" },
  },
];

export const TEST = [
  // support chats
  {
    id: "t-chat-1",
    reg: "chat",
    t: "Customer: hello, my name is {NAME} and my order never arrived.\nBot: Sorry to hear that!",
  },
  { id: "t-chat-2", reg: "chat", t: "{GIVEN}: can u text me at {PHONE} when the engineer is on the way" },
  {
    id: "t-chat-3",
    reg: "chat",
    t: "Operator ({CLOCK}): Thanks, {WNAME}. I [[may]] need your postcode too.\nYou ({CLOCK2}): it's {ADDRESS}",
  },
  { id: "t-chat-4", reg: "chat", t: "> {SURNAME} says the {PRODUCT} keeps rebooting\n> forwarded to {EMAIL}" },
  { id: "t-chat-5", reg: "chat", t: "Please ring my partner {GIVEN} on {PHONE} or me on {PHONE2}." },
  { id: "t-chat-6", reg: "chat", t: "visitor: im {WGIVEN}, the refund should go to {IBAN} thx" },
  {
    id: "t-chat-7",
    reg: "chat",
    t: "Support: Which card? Client: the one ending... actually full number {CARD}, expiry {EXP}",
  },
  { id: "t-chat-8", reg: "chat", t: "Message from {NATIVE} ({PHONE}): 明天见" },
  // emails and letters
  {
    id: "t-mail-1",
    reg: "email",
    t:
      "To whom it [[may]] concern,\n\nI, {NAME}, residing at {ADDRESS}, authorise {NAME2} to collect my " +
      "documents.\n\nSigned {DATE}",
  },
  {
    id: "t-mail-2",
    reg: "email",
    t: "Hi {GIVEN} -- quick reminder that the invoice is due {DATE}. Questions? Call {PHONE}. Cheers, {GIVEN2}",
  },
  {
    id: "t-mail-3",
    reg: "email",
    t: "Reply-To: {EMAIL}\n\nGood morning,\nplease wire the deposit to {IBAN} (account holder {NAME}).\nRegards",
  },
  {
    id: "t-mail-4",
    reg: "email",
    t:
      "Team, please welcome {NAME}, who relocates from {CITY} to our {CITY2} site on {DATE}. She spent years at " +
      "{ORG}.",
  },
  {
    id: "t-mail-5",
    reg: "letter",
    t: "{ORG}\n{POBOX}\n\n{DATE}\n\nDear Mr {SURNAME},\nyour membership renewal is due in {MONTH}.",
  },
  {
    id: "t-mail-6",
    reg: "email",
    t: "Gentile {NAME},\nla consegna è prevista per {DATE} all'indirizzo {ADDRESS}.\nCordiali saluti",
  },
  { id: "t-mail-7", reg: "email", t: "Beste {GIVEN}, bel me even op {PHONE} over de verhuizing naar {CITY}. Groet" },
  { id: "t-mail-8", reg: "email", t: "Olá {NAME}, seu pedido será entregue em {ADDRESS}. Dúvidas: {PHONE}." },
  // forms
  {
    id: "t-form-1",
    reg: "form",
    t: "Patient: {NAME}\nDOB: {DOB}\nEmergency contact: {NAME2}, {PHONE}\nHome: {ADDRESS}",
  },
  {
    id: "t-form-2",
    reg: "form",
    t:
      "Employee #{REQID}\nSocial Security Number: {SSN}\nDirect deposit routing: {ABA}\nPlace of birth: {CITY}, " +
      "{COUNTRY}",
  },
  { id: "t-form-3", reg: "form", t: "[x] I agree. Signature: {NAME}   Date: {DATE}" },
  { id: "t-form-4", reg: "form", t: "Payment method — card no. {CARD} exp. {EXP} — cardholder {NAME}" },
  { id: "t-form-5", reg: "form", t: "Ship to: {NAME}, {ADDRESS}. Tel. {PHONE}. Year of birth: {YEAR}" },
  // log lines
  { id: "t-log-1", reg: "log", t: 'level=info ts={TS} msg="password reset requested" email={EMAIL} remote_addr={IP4}' },
  { id: "t-log-2", reg: "log", t: '{TS} [billing] charge failed card={CARD} holder="{NAME}" ref={ORDER}' },
  { id: "t-log-3", reg: "log", t: "{TS} sshd[{BIGNUM}]: Accepted publickey for deploy from {IP6}" },
  { id: "t-log-4", reg: "log", t: "{TS} notify: sent reminder to {PHONE} for booking {ORDER}" },
  { id: "t-log-5", reg: "log", t: '{TS} audit user="{EMAIL}" action=export rows={BIGNUM} app={PRODUCT}/{VERSION}' },
  // CSV rows
  { id: "t-csv-1", reg: "csv", t: "{NAME},{CARD},{EXP}" },
  { id: "t-csv-2", reg: "csv", t: "contact,mobile,landline\n{GIVEN},{PHONE},{PHONE2}" },
  { id: "t-csv-3", reg: "csv", t: "{REQID}\t{NAME}\t{EMAIL}\t{CITY}" },
  { id: "t-csv-4", reg: "csv", t: "last;first;birthdate;ssn\n{SURNAME};{GIVEN};{DOB};{SSN}" },
  { id: "t-csv-5", reg: "csv", t: "{IBAN},{NAME},{BIGNUM}" },
  // meeting notes and tickets
  {
    id: "t-note-1",
    reg: "notes",
    t: "Minutes {DATE}. Present: {NAME}, {NAME2}. Apologies: {WNAME}. {GIVEN} [[will]] [[bill]] the client.",
  },
  { id: "t-note-2", reg: "notes", t: "* {SURNAME} to review {PRODUCT} {VERSION}\n* {GIVEN} out until {DATE}" },
  { id: "t-ticket-1", reg: "ticket", t: "#{ORDER} [open] Reporter: {NAME} <{EMAIL}> — cannot log in since {DATE}." },
  { id: "t-ticket-2", reg: "ticket", t: "Field visit: {ADDRESS}. Contact on site: {GIVEN} ({PHONE})." },
  { id: "t-ticket-3", reg: "ticket", t: "Incident: {IP4} flooded the gateway; owner {NAME} notified via {URL}." },
  // prose with hard negatives
  {
    id: "t-neg-1",
    reg: "prose",
    t: "Shares of {ORG} rose after {PRODUCT} sales beat forecasts; release {VERSION} is due in {MONTH}.",
  },
  {
    id: "t-neg-2",
    reg: "prose",
    t: "Tonight the band plays {SONG} and {SONG2}, then an encore. [[Joy]] all round, we [[hope]].",
  },
  { id: "t-neg-3", reg: "prose", t: "The {TITLE} of {ORG} will present {BIGNUM} units sold in {MONTH}." },
  {
    id: "t-neg-4",
    reg: "prose",
    t: "Invoice {ORDER}: {BIGNUM} EUR, payable in {MONTH}. [[Grace]] period of 10 days applies.",
  },
  // mixed prose
  { id: "t-prose-1", reg: "prose", t: "Born in {CITY} in {YEAR}, {NAME} studied in {COUNTRY} before joining {ORG}." },
  { id: "t-prose-2", reg: "prose", t: "We [[will]] ask {WGIVEN} whether {GIVEN} still rents the room on {STREET}." },
  { id: "t-prose-3", reg: "prose", t: "Profile: {URL}; mail {EMAIL}; last seen from {IP6}." },
  { id: "t-prose-4", reg: "prose", t: "says {SURNAME}" },
  { id: "t-prose-5", reg: "prose", t: "On {DATE} {NAME} called from {PHONE} about the flat at {ADDRESS}." },
  // JSON records
  {
    id: "t-json-1",
    reg: "json",
    json: { full_name: "{NAME}", contact: { mail: "{EMAIL}", mobile: "{PHONE}" }, tier: "gold" },
  },
  {
    id: "t-json-2",
    reg: "json",
    json: { patient: "{NAME}", birth_date: "{DOB}", home_address: "{ADDRESS}", ward: "B2" },
  },
  {
    id: "t-json-3",
    reg: "json",
    json: { tx: "{ORDER}", account: "{IBAN}", pan: "{CARD}", memo: "transfer for {GIVEN}, {DATE}" },
  },
  {
    id: "t-json-4",
    reg: "json",
    json: { conversation: ["{GIVEN}: my number changed to {PHONE}", "agent: thanks {GIVEN}, updated"] },
  },
  {
    id: "t-json-5",
    reg: "json",
    json: { social_security: "{SSN}", aba_routing: "{ABA}", last_ip: "{IP6}", app_version: "{VERSION}" },
  },
  {
    id: "t-json-6",
    reg: "json",
    json: { name: "{NATIVE}", location: "{CITY}, {COUNTRY}", employer: "{ORG}", song: "{SONG}" },
  },
  // more registers: SMS, signatures, multi-line addresses, markdown, HTML, YAML, transcripts
  { id: "t-sms-1", reg: "sms", t: "{GIVEN} here - door code changed, text {PHONE} when ur outside" },
  { id: "t-sms-2", reg: "sms", t: "Reminder: appointment with {NAME} on {DATE}. To cancel call {PHONE}." },
  { id: "t-sig-1", reg: "email", t: "Kind regards\n{NAME} ({TITLE})\n{ORG}\nphone: {PHONE} · mail: {EMAIL}" },
  { id: "t-sig-2", reg: "email", t: "Thanks,\n{GIVEN}\n\nPost: {MLADDRESS}" },
  { id: "t-md-1", reg: "markdown", t: "- **{NAME}** — {EMAIL}, {CITY}\n- **{NAME2}** — {PHONE}, {COUNTRY}" },
  { id: "t-html-1", reg: "html", t: "<tr><td>{NAME}</td><td>{DOB}</td><td>{ADDRESS}</td></tr>" },
  { id: "t-yaml-1", reg: "yaml", t: 'contact:\n  person: "{NAME}"\n  tel: {PHONE}\n  iban: {IBAN}\nbuild: {VERSION}' },
  {
    id: "t-call-1",
    reg: "transcript",
    t:
      "caller: hi um this is {NAME} calling about my bill\nagent: thanks {GIVEN}, can you confirm your " +
      "address\ncaller: {ADDRESS}",
  },
  {
    id: "t-rev-1",
    reg: "review",
    t: "Stayed with {GIVEN} in {CITY} last {MONTH}; the {PRODUCT} in the flat was broken. 3 stars",
  },
  {
    id: "t-form-6",
    reg: "form",
    t: "Name (last, first): {SURNAME}, {GIVEN} — Home address: {MLADDRESS} — Born: {DOB}",
  },
  { id: "t-kv-1", reg: "log", t: "{TS} customer={NAME} | country={COUNTRY} | pan={CARD} | status=DECLINED" },
  {
    id: "t-chat-9",
    reg: "chat",
    t: "*** {GIVEN} has left ***\n{GIVEN2}: sorry, {WGIVEN} was asking about the night shift",
  },
  {
    id: "t-ticket-4",
    reg: "ticket",
    t: "Escalated: {NAME} ({EMAIL}) says the card {CARD} was charged on {DATE} and {DATE2}.",
  },
  { id: "t-note-3", reg: "notes", t: "1:1 with {GIVEN}: moving to {CITY2} in {MONTH}; new address {STREET}" },
  { id: "t-prose-6", reg: "prose", t: "According to {NATIVE}, who moved to {CITY} in {YEAR}, the office is closing." },
  {
    id: "t-json-7",
    reg: "json",
    json: {
      recipient: { name: "{NAME}", postal: "{ADDRESS}" },
      items: [{ sku: "{ORDER}", title: "{PRODUCT}" }],
      phone: "{PHONE}",
    },
  },
  {
    id: "t-json-8",
    reg: "json",
    json: { log: "login by {EMAIL} from {IP6}", at: "{TS}", user_agent: "{PRODUCT}/{VERSION}" },
  },
];
