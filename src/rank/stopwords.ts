/**
 * English stop words: scikit-learn's ENGLISH_STOP_WORDS (the Glasgow IR group's list, BSD-3-Clause),
 * which is what arxiv-sanity-lite's `stop_words='english'` uses, embedded here rather than taken from
 * a package so the ranking core has no dependency and the list cannot change under us.
 *
 * Deliberate removals (scikit-learn's docs warn the list has "known issues"): the Glasgow list was
 * made for news text and drops content words that carry topic in paper abstracts. "system" alone
 * separates ML-systems papers from the rest; "top"/"bottom" matter for "top-down"/"bottom-up",
 * "fire" for wildfire papers, "detail", "describe", "move", "full", "empty", "thin", "thick",
 * "side", "part", "name", "call", "interest", "serious", "bill", "mill", "cry", "sincere", "con"
 * are rare in abstracts and meaningful when they occur.
 * Entries with an apostrophe or a space ("couldn't", "no one") can never match a token and are left out.
 */
const REMOVED = new Set([
  'system',
  'top',
  'bottom',
  'fire',
  'detail',
  'describe',
  'move',
  'full',
  'empty',
  'thin',
  'thick',
  'side',
  'part',
  'name',
  'call',
  'interest',
  'serious',
  'bill',
  'mill',
  'cry',
  'sincere',
  'con',
]);

const GLASGOW = `a about above across after afterwards again against all almost alone along already also although always
am among amongst amount an and another any anyhow anyone anything anyway anywhere are around as at back be became because
become becomes becoming been before beforehand behind being below beside besides between beyond bill both bottom but by
call can cannot cant co con could cry de describe detail do done down due during each eg eight either eleven else elsewhere
empty enough etc even ever every everyone everything everywhere except few fifteen fifty fill find fire first five for
former formerly forty found four from front full further get give go had has have he hence her here hereafter hereby
herein hereupon hers herself him himself his how however hundred i ie if in inc indeed interest into is it its itself keep
last latter latterly least less ltd made many may me meanwhile might mill mine more moreover most mostly move much must my
myself name namely neither never nevertheless next nine no nobody none nor not nothing now nowhere of off often on once one
only onto or other others otherwise our ours ourselves out over own part per perhaps please put rather re same see seem
seemed seeming seems serious several she should show side since sincere six sixty so some somehow someone something
sometime sometimes somewhere still such system take ten than that the their them themselves then thence there thereafter
thereby therefore therein thereupon these they thick thin third this those though three through throughout thru thus to
together too top toward towards twelve twenty two un under until up upon us very via was we well were what whatever when
whence whenever where whereafter whereas whereby wherein whereupon wherever whether which while whither who whoever whole
whom whose why will with within without would yet you your yours yourself yourselves`;

/** The stop words `tokenize` drops by default. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(GLASGOW.split(/\s+/).filter((w) => w && !REMOVED.has(w)));
