/**
 * Hand-written word lists for the name, location and address rules: titles, name
 * suffixes, USPS street suffixes, organisation suffixes, and capitalised words that are
 * not names (sentence starters, function words, months, weekdays).
 */

const words = (s: string) => s.trim().split(/\s+/);

export const TITLES = words("Mr Mrs Ms Mx Miss Dr Prof Sir Dame Lady Lord Rev Fr Capt Sgt Hon Mme Mlle Herr Frau");

export const NAME_SUFFIXES = words("Jr Sr II III IV MD PhD DDS DVM Esq RN CPA");

/** USPS street suffixes (Publication 28, C1) in full and their common abbreviations. */
export const STREET_SUFFIXES = words(`
Alley Aly Annex Arcade Avenue Ave Av Bayou Beach Bend Bluff Bluffs Bottom Boulevard Blvd Branch Br
Bridge Brg Brook Brooks Burg Burgs Bypass Byp Camp Canyon Cape Causeway Cswy Center Ctr Centers Circle
Cir Circles Cliff Cliffs Club Common Commons Corner Corners Course Court Ct Courts Cove Coves Creek
Crescent Cres Crest Crossing Xing Crossroad Curve Dale Dam Divide Drive Dr Drives Estate Estates
Expressway Expy Extension Ext Extensions Fall Falls Ferry Field Fields Flat Flats Ford Fords Forest
Forge Forges Fork Forks Fort Ft Freeway Fwy Garden Gardens Gdns Gateway Glen Glens Green Greens Grove
Groves Harbor Harbors Haven Heights Hts Highway Hwy Hill Hills Hollow Inlet Island Islands Isle
Junction Jct Junctions Key Keys Knoll Knolls Lake Lakes Land Landing Lane Ln Light Lights Loaf Lock
Locks Lodge Loop Mall Manor Manors Meadow Meadows Mews Mill Mills Mission Motorway Mount Mt Mountain
Mountains Neck Orchard Oval Overpass Park Parks Parkway Pkwy Parkways Pass Passage Path Pike Pine
Pines Place Pl Plain Plains Plaza Plz Point Pt Points Port Ports Prairie Radial Ramp Ranch Rapid
Rapids Rest Ridge Ridges River Road Rd Roads Route Rte Row Rue Run Shoal Shoals Shore Shores Skyway
Spring Springs Spur Spurs Square Sq Squares Station Sta Stravenue Stream Street St Streets Summit
Terrace Ter Throughway Trace Track Trafficway Trail Trl Tunnel Turnpike Tpke Underpass Union Unions
Valley Valleys Via Viaduct View Views Village Villages Ville Vista Walk Walks Wall Way Ways Well Wells
Close Rise Vale Parade Chase Croft Gate Yard Wharf Quay Embankment Grange Approach Hey Wynd
`);

/** A word after a capitalised run that makes it an organisation, not a person. */
export const ORG_SUFFIXES = new Set(
  words(`inc llc ltd corp corporation company co gmbh ag sa plc group bank university college school
  institute foundation association hospital clinic church ministry department agency council committee
  partners holdings technologies labs systems solutions services airlines hotel club team society
  press times news journal review museum center centre`),
);

/**
 * Capitalised words that start sentences or headings but are not names. Names that are
 * also English words (Will, May, Grace) are NOT here: they are scored lower when alone.
 */
export const STOP_WORDS = new Set(
  words(`a an the this that these those there here it its i me my mine we us our ours you your yours he him his
  she her hers they them their theirs what which who whom whose when where why how all any both each few more most
  other some such no nor not only own same so than too very just also but and or if then else because as until
  while of at by for with about against between into through during before after above below to from up down in
  out on off over under again further once is am are was were be been being have has had having do does did
  doing would should could ought can cannot must shall might let lets please thanks thank thx hi hello hey dear
  regards sincerely best cheers yes yeah ok okay sure well oh note notes see call email send sent reply fwd re
  subject attn attention contact contacts address phone tel fax mobile name names date dob ssn id number account
  card customer client patient user employee manager team staff support admin dept department office home work
  today tomorrow yesterday now new old first last next previous monday tuesday wednesday thursday friday
  saturday sunday mon tue tues wed thu thurs fri sat sun january february march july september october
  november december jan feb mar apr jun jul aug sep sept oct nov dec summary description details info information
  total amount price order invoice item items product products service services report reports meeting meetings
  project projects task tasks issue issues bug bugs error errors warning warnings update updates status result
  results question questions answer answers example examples step steps section chapter page table figure appendix
  introduction conclusion overview background abstract title comments comment feedback review reviews request
  requests response responses message messages chat user assistant system prompt input output data dataset model
  api url http https json xml html sql true false null none yes no north south east west left right top bottom
  street avenue road lane drive court boulevard suite apt apartment unit floor room building po box mr mrs ms dr
  prof sir madam miss mx inc llc ltd corp co company group bank university college school hospital church
  state city country county region province district capital island islands republic kingdom united federal
  national international global world internet web online mail postal zip code post box center centre
  happy birthday congratulations welcome goodbye bye sorry excuse thanks
  ask tell send give get make take visit meet reach thank check review add remove try find follow join pay ship
  bring show help inform notify forward invite remind confirm write read sign submit approve ping text message
  book schedule cancel email mail text per via ask asked told met spoke called emailed wrote
  nothing something anything everything nobody somebody anybody everybody everyone someone anyone none
  much many little less lot lots thing things stuff`),
);

/** Names that are also ordinary capitalised words: alone, they need context to count. */
export const AMBIGUOUS_NAMES = new Set(
  words(`will may june april august mark bill grace hope joy rose summer autumn faith major general baby king
  queen prince bell berry chance christian dawn destiny eve frank gene glen harmony iris ivy jack jewel lily lane
  hunter taylor mason carter parker tanner porter cooper miller walker green brown price sterling dean judge
  white black gray grey young long love rich bishop marshal page art sky river ocean rain storm star angel
  precious heaven justice liberty unique royal reed wade chase sage max guy ray rich penny ruby pearl amber
  crystal candy ginger holly daisy violet jasmine olive hazel forest clay stone rock field brook brooks hill
  hills wood woods lake park parks price cash gold silver`),
);

export const MONTHS = words("January February March April May June July August September October November December");
export const MONTH_ABBR = words("Jan Feb Mar Apr Jun Jul Aug Sept Sep Oct Nov Dec");
export const WEEKDAYS = words(
  "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tues Tue Wed Thurs Thu Fri Sat Sun",
);
