"""Find the Dutch municipality (gemeente) a user mentions in a free-text sentence.

The matcher works on normalised tokens: lower case, no diacritics, no apostrophes, hyphens
and dots split words ("'s-Hertogenbosch" -> ``s hertogenbosch``, "St. Michielsgestel" ->
``sint michielsgestel``). A name or alias matches when a run of tokens, glued together,
equals the glued key ("den bosch", "denbosch", "s hertogenbosch", "shertogenbosch").

Small typos are tolerated: edit distance 1 for keys of 6 letters or more, 2 for 10 or more
(optimal string alignment, so a swap of two letters counts once). Fuzzy matching is found
with a symmetric-deletion index, so a sentence costs a few hundred dictionary look-ups.

Guards against false matches in ordinary sentences:

* keys that are also ordinary Dutch words ("Best", "Buren", "Huizen", "Kampen", "Leiden")
  only match after a place cue ("in", "uit", "te", "naar", "gemeente", "woonplaats") or
  when the message is only the place ("Best", "gemeente Buren");
* fuzzy matches never start from a word or phrase in ``_FUZZY_STOPWORDS`` (Dutch words
  within typo distance of a key, e.g. "worden" ~ Woerden, "school" ~ Schoorl, "de wolken"
  ~ De Wolden), must keep the first letter, and names of several words, names shorter
  than 8 letters and names that are ordinary words only match fuzzily after a place cue;
* names shared by two municipalities ("Bergen", "Alphen") are never guessed, see
  :func:`find_ambiguous`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Sequence, Set, Tuple

from actions.logic.content import Municipality, get_content


def _words(text: str) -> FrozenSet[str]:
    """The whitespace-separated words of a word-list literal."""
    return frozenset(text.split())


# Keys (normalised, glued) that are also ordinary Dutch words: they need a place cue.
_CONTEXT_ONLY: FrozenSet[str] = _words(
    """
    beek best buren duiven haren goor hoorn horst houten huizen hulst kampen grave leiden
    losser putten geleen sluis doorn tegelen voorschoten voorst weert leek wierden enter
    halfweg leende hapert mill roden desteeg bergendal
    """
)

# Names used for more than one municipality, beyond those derived from CBS suffixes such
# as "Bergen (L.)" / "Bergen (NH.)": glued key -> glued keys of the municipalities meant.
_EXTRA_AMBIGUOUS: Dict[str, Tuple[str, ...]] = {
    "alphen": ("alphenaandenrijn", "alphenchaam"),
}

# Words before a place that make it a place ("ik woon in X", "gemeente X").
_WEAK_CUES: FrozenSet[str] = frozenset({"in", "uit", "te", "naar"})
_STRONG_CUES: FrozenSet[str] = frozenset({"gemeente", "woonplaats", "gem"})
_RESIDENCE_VERBS: FrozenSet[str] = frozenset(
    {"woon", "wonen", "woont", "woonde", "woonden", "woonachtig", "wonend", "wonende",
     "verhuisd", "verhuizen", "verhuis", "verhuizing"}
)
# Words that may surround a bare place name in a short answer ("gemeente Best", "in Buren").
_FILLERS: FrozenSet[str] = frozenset(
    {"ik", "wij", "we", "woon", "wonen", "woont", "in", "te", "uit", "gemeente", "gem",
     "mijn", "onze", "woonplaats", "kom", "hier", "hoi", "hallo"}
)
# Province names: "provincie Utrecht" is not the municipality Utrecht, and a province is
# not an unknown municipality either.
_PROVINCES: FrozenSet[str] = frozenset(
    {"groningen", "friesland", "fryslan", "drenthe", "overijssel", "flevoland", "gelderland",
     "utrecht", "noordholland", "zuidholland", "zeeland", "noordbrabant", "brabant",
     "limburg"}
)
# First words after "ik woon in" that show the user did not name a place.
_NOT_A_PLACE: FrozenSet[str] = _words(
    """
    een de het mijn mn ons onze jullie hun zijn haar zo zon deze die dit dat hetzelfde
    dezelfde welke wat waar hier daar ergens nergens huis flat appartement huurhuis
    huurwoning woning kamer studio caravan chalet woonwagen opvang tent auto boot woonboot
    stad dorp wijk buurt centrum noord zuid oost west buitenland nederland holland belgie
    duitsland europa provincie gemeente regio omgeving armoede angst onzekerheid schulden
    elkaar bij met nu sinds al ook nog niet geen tijdelijke kleine grote oude nieuwe sociale
    slechte goede ellende stress zorgen geldnood nood problemen huisvesting noodopvang
    """
)
# Words that end the place after "ik woon in ...".
_PLACE_END: FrozenSet[str] = _words(
    """
    en maar want met sinds al nu dus omdat of die dat waar wat hoe heb heeft hebben is ben
    zijn was kan kun kunnen wil wilt willen moet moeten voor samen alleen bij echt helaas
    ook nog niet geen te
    """
)
# Words that never start a name typed as two words ("de urne" is not Deurne).
_SPLIT_BLOCKERS: FrozenSet[str] = frozenset(
    {"de", "het", "den", "een", "in", "op", "te", "ten", "ter", "s", "en", "of", "aan"}
)
_PLACE_JOINERS: FrozenSet[str] = frozenset({"aan", "op", "den", "de", "van", "bij", "ter", "in"})

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_RAW_TOKEN = re.compile(r"[\w'\u2019\u2018`\u00b4]+")
_SUBTOKEN = re.compile(r"[a-z0-9]+")

_MIN_FUZZY_LEN = 6
_MIN_FREE_FUZZY_LEN = 8  # shorter keys match fuzzily only after a place cue

# Dutch dictionary words (OpenTaal word list, Debian package wdutch) that lie within typo
# distance of a municipality key with the same first letter. They never start a fuzzy
# match. Regenerate when many aliases are added.
_FUZZY_STOPWORDS_TEXT = """
aagten aalspeer aandijk aansmeer aapten almaar almede almee alsmaar alten armere baarde
baarse batsmen beekdalen begraven beiden beien belen bellen bergen bergend berger beschoten
beulen beulingen beuringen binnenbaan binnengaan binnengaat binnengaats binnenhaal
binnenlaag binnenlaat binnenmaat binnenraam binnenzaal bladen blader bloemendraad
bloemennaam bloemenstal bloementaal bloemenvaas bloemenzaad bloemenzaak boedel boekdelen
boeken boeker boeket boemel boezel bommel border borgen bosloop bostel botel bottel braken
braker brammen breukdelen brille brommen brummel builen builenpest buitenkast buitenkomt
buitenlust buitenpoli buitenposten buitensport buitenst buizenpost burenrecht burger burgul
dachten damwand debiet decenter deden deelden deerne delen deler delfden delgden delgen
dellen delven delver denier derden deunen deuren dieken dienen diepen dieper dieren dieten
dieven dimmen dingen doelden doemen dogen doggen dolden dongel donken donzen drachmen
dreunen driewegen drongen dronken dropten drosten druiven drukten drupten druzen duiden
duigen duiken duimen duinen duiten duivel duiver duivin dulden durven dwongen fijnaard
frankeer franker gedingen gedrongen geert gelden geleden gelee geleed geleek geleend gelees
gelegen geleien geleken gelen gelezen gelten gemeen gemeet gemekt gemept gemerkt gemest
gemet genezingen geniep geween gleeen grasbermen groenlof grondingen grootboek gulden gullen
gulpten guppen hagelen halen hallen halten hamert haper harderwijker hardingen haringen
haspelt healen heelde heersen helen helhond helmen hemen hemmen hengel hengels hengelt
herderlijk hetaeren hetere heugden heugen heulden heulen heupen hielen hoerde hoeslaken
hokten holden holen hollen holte holtes hoogveen hopten horten hosselt hosten hotten houden
housen houwen huiden huigen huiken huilen huisden huiven huize huizend huizes hulzen hummel
hummels husselt hussen kamden kamen kammen kampend kamper kampten kapellen kapen kappen
kempen kenteren kerkraden ketteren keuteren klampen koesteren korenland krampen kroningen
kruisigen kruisingen krullingen lammen lammer landend lander landers landsheer lanteren
lasser leden leefde leegde leemde leenden leerde leerwaren legden legende leidden leidend
leider leien leizen lekenkerk lekkerbek lekkerder lekkerdere lelden lemmers lemmet lende
lenden lenende lensden lerende leunde leunden leurden levende lezende lieden liefden lijmen
lijnden limoen linden loeiden lommen lommer loodrecht loodrechte looprecht loser losse
lossen lossere lossers luiden maailand maalden maankracht maden mailden maisland malde malen
malien mallen malven manden manskracht marden marsland meersen meiden melden meppen mepper
middelbare middeldure middendeel middenmoter molden molenaar molenaars molengangen
molenpaard molenvangen monnikendom moordtocht moordzucht mudden muien muiken muilen muisden
muiten muizen naaiden naalden naarder naardien narden nederwiet oerbanken oliemarkt
onderbazen onderbenen onderbinden onderbraken onderbreken onderbroken onderbuiken onderdanen
ondergangen onderhanden onderkaken onderkanten onderlaken onderpanden onderranden
ondertanden ondervangen oogstfeest opmeet opsmeer opstellend opteer opveer overeen overheen
pandingen pandrecht patentrecht patten pekel pekelt penis penningen permis petten pitten
planningen potten puften puiten punten puntten purgerend pusten putsen putte puttee puttend
putter raakte raapte reden renen reutel reuter reuzel rieden rijpaarden rijswaarden rissen
roeden rogge roggen rosmolen ruiden ruien ruiken ruilen ruimen ruine ruines ruisen ruiten
ruiven ruizen runen runnen schaden schaken schalen schamen schapen scharen schavelingen
schaven schemer schemeringen schepelingen schepenzetel schermen schermers scherper schijnen
schijnsel schinken school schoonheden schoonhouden schoonzonen schoor schoort schragen
seilde simpelheid slechtere slotheren smeren smulde soleren somberen sommeren spellingen
spenderen spilde stadswoningen steenberg steenbeuken steenboren steenbreken steenden
steenrijk steens steenwegen steenzweren steil stellingen stens steunberen stilde stins
strijden strijken suilde tegaar tellingen tengelen teugelen tevelen tilbury uitgeeft
uitgemest uitgetest uithoor uithoort uithuilen uitleest vaardigen valbrug vanen veerdam
velden veldhoen veldoven velen velgen vellen verschoten vinnen vladder vlassen vlekten
vleten vletten vleugen vliemen vlieringen vlijden vlijen vlijmden vlijmend vodden voeden
voerden vonden voorbout voorden voorgeschoten voorhoud voorhoudt voorhuiden voorhuizen
voorschepen voorschieten voorschoen voorschoenen voorscholen voorschot voorschotel
voorschotelen voorschotelt voorschotje voorschotten voorsta voorste voorstoten voort
voortreizen voorts voortuinen voost vorder voren vorken vormden vormen vorsen vorst waalde
wagenhuizen wapenhuizen wapeningen wapenringen warenhuizen waringen wassenaars waterdagen
watergangen waterige wateriger watering waterlagen waterrand watertand watervangen waterveld
waterwagen waterwegen waterwilgen weerden wegelingen werden werkendag westrand westwand
weteringen wetland wiedden wieden wiegden wielden wielingen wierde wieren wierpen wierven
winchen windeieren windschoren winterdijk winterkwartier woedden woeden woelden woerhen
wonderland woorden worden zeegang zeveraar zindert zwijgrecht zwoele zwollen
"""
# Common words that are not in that list in this form but must not be read as a typo.
_EXTRA_STOPWORDS = """
schulden schuld geld hulp eten werk school scholen zorgen zorg kinderen kind zoon dochter
gezin ouders moeder vader huur rekening rekeningen betalen betaald toeslag toeslagen
uitkering bijstand gemeente gemeentes woning wonen woon werken gewerkt niemand iemand
helpen geholpen brood boodschappen voedselbank kleding schoenen sport voetbal zwemmen
lastig moeilijk alleen samen altijd nooit binnen buiten morgen vandaag gisteren hallo
hebben heeft krijgen kregen gekregen maanden maand weken jaren buurt stad dorpje
alleenstaande alleenstaand energie energieleverancier zorgverzekeraar zorgverzekering
verzekering belasting belastingdienst deurwaarder aanmaning aanmaningen incasso boete
boetes achterstand betalingsachterstand betalingsregeling schuldhulp schuldhulpverlening
bewindvoerder bewind budget budgetcoach inkomen salaris minimum minima aanvragen vragen
weten wachten kunnen moeten willen zouden zullen mogen proberen geprobeerd zitten staan
komen komt gaan gaat doen gedaan maken gemaakt denken vinden zeggen zegt praten bellen
mailen schrijven brief brieven kapot nodig duur goedkoop gratis euro euros honderd
duizend kosten kost betaal misschien eigenlijk gewoon echt heel zeker alstublieft
alsjeblieft bedankt dankjewel dankuwel niets niks alles iedereen samen verder nieuwe
andere mensen vrienden familie partner vriend vriendin werkgever baan opdrachten
tandarts dokter huisarts ziekenhuis medicijnen laptop computer telefoon fiets schoolreis
zwemles muziekles dansles sportclub vereniging contributie verjaardag feestje cadeau
"""
# Phrases of an ordinary first word and a dictionary word that lie within typo distance
# of a several-word key ("de wolken" ~ De Wolden, "echt luisteren" ~ Echt-Susteren),
# written as "first: second second ...", glued before use. Same source as above.
_FUZZY_STOP_PHRASES_TEXT = """
beek: donk enden indenk indook indronk inzonk limbus liturg ondank wimberg
beneden: behuwen breeuwen eeuwen geeuwden geeuwen geeuwend hieuwen kieuwen lauwen leefden
         leegden leekten leemten leenden leerden leerweg leespen leesten leesuren leeuw
         leeuwin lemuren lesuren leugen leunen leuren leuten leuzen louwen luwen meeuwen
         meluwen nieuwen peluwen reeuwen sleeuwe sneeuwen weduwen zenuwen
berg: enal endl
broek: interland waterland
de: balt belt bidt bier biet bigt bijt bikt bil bint bist bit bolden bolt bouwer brilt
    built bult carne cier deern dier dolden doorn emmer fier flier folden gier gilt golden
    goor goors hier hilt holden hoorn houwer ier jouker jouwe jouwen kier kilt klier
    kolden lammer leer lemmers lemmet lied lief lieg liep lies liet lilt lire liter loer
    lolden lommer luier marde mare maren marge marine meen meer meers meert meren mier
    milt molden nier pier remmer rilt rolden ronddienen rondventen rouwer sier sjouwer
    slier solden stee steef steegs steek steel steen steg stege steng teeg temmer tier
    tilt tolden toorn touwer uier vier vilt vlier voorn walden welden wier wilden wilt
    woeden woelden wolfden wolken wollen wolven wonden worden wouden zier zilt
den: aam am bam berg biel borg breel brie brief briek bries briet bril brug bug buig daag
     dam dingen dongen duigen dunden dunken dunnen griel ha haaf haagt haai haak haal haam
     haan haar haas haat had haf hai hak hal halm han hang hap har helde helden heldere
     heler heller helper helser hem herder hm hom hum jaag jam kaag kam kelder kriel laag
     lam maag mam melder nam priel raag ram selder tam vaag waag wam wurg yam zaag
dijk: bewaard bezwaard eerwaard gewaard ontaard ontwaard onwaar onwaard onwaarde renpaard
      ruwaard waard zwaard
echt: clusteren cutteren duisteren fuseren gasteren gisteren justeren lasteren luisteren
      masteren muteren oosteren posteren punteren quoteren rasteren resteren rusturen
      sauteren sinteren snateren snuisteren sorteren sputteren steren stuiteren sudderen
      suikeren susten systemen testeren tutteren
graft: begrijp beriep berijd berijm berijpt berisp dewijl doelrijp drijf gerij gerijd
       gerijm gerijpt grijp herijk onrijp rijp trijp verijs verzijp
het: bidt biedt bilde bilt bindt geland hoelang hogerhand hongerland hoogland hooiland
     hopland houtland ingeland modeland vogelend
hollands: argon aroom bekroon boon bron brood broom broos croon croont crown droog droom
          droop droos ergon foon freon groen groos groot hoon icoon joon kanon karton
          kebon keton kloof klooi kloon kloont kloot knook knoop koen kon koof koog kooi
          kook kool koon koop koor koos koot koran kordon koren kraan kraton kreun krijn
          kroeg kroel kroep kroes kroi krok kroken krol krols krolt krom kromp kromt
          kronen krook krookt kroonde kroont kroop kroos kroost kroot krop kropen kropt
          krot kroten krozen kruin loon makroon poon prion prooi proton rood roof rooi
          rook room roos root toon troon troont troop vroom vroon vroor woon zoon
it: gamelan
koog: aangedaan aangegaan aardebaan
lage: maluwe wauwe zwalkte zwalpte zwaluw zwaluwen zwaluwtje
loon: bezand gezand hopland kopwand omrand onland opbind opbond opbrand operand opgaand
      opgang ophad ophang opkan oplaad opstand optant opvang opwind opwond opzag opzak
      opzat opzend opzendt opziend opzond pand popband topband zand
midden: deltaland dente dorentje drenkte drensde drentel dreuntje erfland gordingen
        groenlingen grondingen gunningen koningen krentje krentte kroningen prentje
        prentte rente rentte rondingen woningen
nes: aanland apenland beland eland gamelan gameland gamelans geland ommeland zeeland
nieuw: akkerland bennen dennen enne fennek geniep hennen hennep jennen jenner kennel
       kennen kenner kikkerland lekkertand mennen menner pennen penner rennen renner
       vannen veine venae vendel venen venkel vennen venten venter verlep vinnen wennen
nieuwe: akela hekel hekels hekelt pedel pedels peel peelt pegel pegels pegelt pekel
        pekelbad pekelde pekelen pekelnat pekelt peseta rekel rekels
noord: bedelend beland bergland bevelen bevelend bevelende bevend bevlagd bovenland
       gevelwand oeverland zeeland
oost: gelde gele gelee geler genre
oud: bierland
oude: akela hekel hekels hekelt pedel pedels peel peelt pegel pegels pegelt pekel pekelbad
      pekelde pekelen pekelnat pekelt peseta rekel rekels
ouder: aanstel aantel afstal afstek afstel afstelt afstem aftel aksten ambten ampel
       apostel armste armsten armstoel asiel asten aster bestel bostel damspel distel
       fistel gasstel gestel hamster hostel instel lamsvel mantel martel mastel masten
       master mistel motel nestel opstel pastel stel tramstel wasstel
peel: cimaas eenmaal eilaas entwas etmaal genmais inmaak maas
s: beerenburg dierenhoek gravende grotendeel herenhoed
sas: aanrent aanwent agent gangen hangen hangend langen mangelt rangen tangen tangens
     tangent vagant vagen vaneen vanen vangen vangende vanger vangers vangnet vangst vangt
     vannen vingen vingert wangen zangen
sprang: capeje capella capsule gazelle kapellen lamelle
stad: gordingen groenlingen grondingen gunningen koningen kroningen rondingen woningen
stede: beroem beroep beroer beroet bloc bloed bloei bloem bloes boe boef boeg boei boek
       boel boem boen boer boes boet boren brace breed breek breel brei brem bren bres
       brie brief briek bries briet brod brode broden brodt broed broeds broedt broei
       broeit broek broer broers broes broge brok broker brokt brol brom bromt bron bronk
       brons brood broom broos bros brost brouw broze brozen brozer droef droeg droes
       groef groei groen groep groes groet kroeg kroel kroep kroes proef roe roef roei
       roek roem roep roer roes roet troef troel troep vroed vroeg vroem wroeg wroet
ten: beer bier boe boef boeg boei boek boel boem boen boers boert boes boet bohr bomer
     boor boter boxer bozer broer hoer koer loer moer ober oer poer roer toer voer
ter: aa aad aai aak aal aam aan aap aard aars aart aas aat abel adel air ampel apen apex
     appel apr ar ara awel axel baar bar daar dar far gaar haar har jaar kaar kapel kar
     laar lapel lar maar mar naar nar paar par pel raar sar spel vaar var waar war
west: beaute behuw behuwd behuwde behuwen bete betere betise bette betuig blauwe etude
      geluwe meluwe weduwe
"""


def _phrases(text: str) -> FrozenSet[str]:
    """Glued phrases from "first: second second" lines (continuation lines indented)."""
    glued: Set[str] = set()
    first = ""
    for line in text.splitlines():
        if ":" in line:
            first, line = line.split(":", 1)
            first = first.strip()
        glued.update(first + second for second in line.split())
    return frozenset(glued)


_FUZZY_STOPWORDS: FrozenSet[str] = (
    _words(_FUZZY_STOPWORDS_TEXT + _EXTRA_STOPWORDS) | _phrases(_FUZZY_STOP_PHRASES_TEXT)
)


@dataclass(frozen=True)
class MunicipalityMatch:
    """A municipality found in a sentence."""

    municipality: Municipality
    matched: str  # the text as the user wrote it, e.g. "den bosch"
    exact: bool  # False when found through a typo


@dataclass(frozen=True)
class _Key:
    glued: str
    ntokens: int
    code: str
    context_only: bool
    first: str  # first token of the label with the fewest tokens


@dataclass
class _Index:
    """Look-up tables built once from the content."""

    by_code: Dict[str, Municipality]
    exact: Dict[str, _Key]
    deletions: Dict[str, Set[str]]
    ambiguous: Dict[str, Tuple[str, ...]]
    prefixes: Dict[str, Tuple[int, int]]  # first token -> (max tokens, max length) of keys
    max_tokens: int
    max_single: int  # length of the longest one-word key that may match fuzzily
    lengths: Dict[str, FrozenSet[int]]  # first letter -> lengths of keys that allow typos
    all_glued: FrozenSet[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class _Token:
    norm: str
    start: int
    end: int


def _fold(text: str) -> str:
    """Lower case, strip diacritics and apostrophes."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _APOSTROPHES.sub("", text.lower())


def normalize_tokens(text: str) -> List[str]:
    """The normalised tokens of ``text`` ("'s-Hertogenbosch" -> ["s", "hertogenbosch"])."""
    return [token.norm for token in _tokenize(text)]


def _tokenize(text: str) -> List[_Token]:
    tokens: List[_Token] = []
    for raw in _RAW_TOKEN.finditer(text):
        word = raw.group()
        if word.isascii() and word.isalnum():
            parts = [word.lower()]
        else:
            parts = _SUBTOKEN.findall(_fold(word))
        for part in parts:
            tokens.append(_Token("sint" if part == "st" else part, raw.start(), raw.end()))
    return tokens


def _max_distance(length: int) -> int:
    if length >= 10:
        return 2
    if length >= _MIN_FUZZY_LEN:
        return 1
    return 0


def _deletions(word: str, depth: int) -> Set[str]:
    """All strings made from ``word`` by deleting up to ``depth`` characters."""
    result = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        result |= frontier
    return result


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, or ``limit + 1`` when it is above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: List[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _strip_suffix(name: str) -> str:
    """'Bergen (NH.)' -> 'Bergen'."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name)


def _build_index(municipalities: Sequence[Municipality]) -> _Index:
    by_code = {m.code: m for m in municipalities}
    owners: Dict[str, Set[str]] = {}
    ntokens: Dict[str, int] = {}
    firsts: Dict[str, str] = {}
    for m in municipalities:
        labels = [m.name, _strip_suffix(m.name), *m.aliases, *map(_strip_suffix, m.aliases)]
        for label in labels:
            tokens = normalize_tokens(label)
            if not tokens:
                continue
            glued = "".join(tokens)
            owners.setdefault(glued, set()).add(m.code)
            if len(tokens) < ntokens.get(glued, len(tokens) + 1):
                ntokens[glued] = len(tokens)
                firsts[glued] = tokens[0]
    exact: Dict[str, _Key] = {}
    ambiguous: Dict[str, Tuple[str, ...]] = {}
    for glued, codes in owners.items():
        if len(codes) > 1:
            ambiguous[glued] = tuple(sorted(codes))
            continue
        (code,) = codes
        exact[glued] = _Key(glued, ntokens[glued], code, glued in _CONTEXT_ONLY, firsts[glued])
    for glued, targets in _EXTRA_AMBIGUOUS.items():
        codes = tuple(sorted({exact[t].code for t in targets if t in exact}))
        if len(codes) > 1:
            ambiguous[glued] = codes
            exact.pop(glued, None)
    deletions: Dict[str, Set[str]] = {}
    prefixes: Dict[str, Tuple[int, int]] = {}
    lengths: Dict[str, Set[int]] = {}
    max_single = 0
    for glued in exact:
        depth = _max_distance(len(glued))
        if depth == 0:
            continue
        lengths.setdefault(glued[0], set()).add(len(glued))
        for variant in _deletions(glued, depth):
            deletions.setdefault(variant, set()).add(glued)
    for m in municipalities:
        for label in (m.name, *m.aliases):
            tokens = normalize_tokens(label)
            glued = "".join(tokens)
            if glued not in exact:
                continue
            if len(tokens) == 1:
                max_single = max(max_single, len(glued))
                continue
            most_tokens, longest = prefixes.get(tokens[0], (0, 0))
            prefixes[tokens[0]] = (max(most_tokens, len(tokens)), max(longest, len(glued)))
    return _Index(
        by_code=by_code,
        exact=exact,
        deletions=deletions,
        ambiguous=ambiguous,
        prefixes=prefixes,
        max_tokens=max(ntokens.values(), default=1),
        max_single=max_single,
        lengths={letter: frozenset(sizes) for letter, sizes in lengths.items()},
        all_glued=frozenset(owners),
    )


@lru_cache(maxsize=1)
def _index() -> _Index:
    return _build_index(get_content().municipalities)


def _cue_strength(tokens: Sequence[_Token], start: int) -> int:
    """2 after "woon in"/"gemeente", 1 after "in"/"uit"/"te"/"naar", else 0."""
    if start == 0:
        return 0
    previous = tokens[start - 1].norm
    if previous == "is" and start > 1 and tokens[start - 2].norm == "woonplaats":
        return 2
    if previous in _STRONG_CUES:
        return 2
    if previous in _WEAK_CUES:
        before = {t.norm for t in tokens[max(0, start - 5):start - 1]}
        return 2 if before & _RESIDENCE_VERBS else 1
    return 0


def _is_sole(tokens: Sequence[_Token], start: int, end: int) -> bool:
    """True when everything outside ``tokens[start:end]`` is filler."""
    outside = [t.norm for i, t in enumerate(tokens) if i < start or i >= end]
    return len(outside) <= 4 and all(word in _FILLERS for word in outside)


@dataclass(frozen=True)
class _Candidate:
    key: _Key
    start: int
    end: int
    exact: bool
    cue: int

    def rank(self) -> Tuple[int, int, int, int, int]:
        return (
            int(self.exact),
            self.cue,
            self.end - self.start,
            len(self.key.glued),
            -self.start,
        )


def _fuzzy_keys(index: _Index, query: str) -> Iterable[Tuple[_Key, int]]:
    """Keys within typo distance of ``query`` that share its first letter."""
    sizes = index.lengths.get(query[0], frozenset())
    size = len(query)
    if not any(size - 2 <= other <= size + 2 for other in sizes):
        return
    near = any(abs(other - size) <= 1 for other in sizes)
    depth = 2 if size >= 8 and any(other >= 10 for other in sizes) else 1
    if depth == 1 and not near:
        return
    seen: Set[str] = set()
    for variant in _deletions(query, depth):
        for glued in index.deletions.get(variant, ()):
            if glued in seen or glued[0] != query[0]:
                continue
            seen.add(glued)
            limit = _max_distance(len(glued))
            distance = _osa_distance(query, glued, limit)
            if distance <= limit:
                yield index.exact[glued], distance


def _candidates(index: _Index, tokens: Sequence[_Token]) -> List[_Candidate]:
    found: List[_Candidate] = []
    words = [t.norm for t in tokens]
    span_limit = index.max_tokens + 1
    for start in range(len(tokens)):
        if start > 0 and words[start - 1] == "provincie":
            continue
        cue = _cue_strength(tokens, start)
        glued = ""
        for end in range(start + 1, min(len(tokens), start + span_limit) + 1):
            glued += words[end - 1]
            count = end - start
            key = index.exact.get(glued)
            if key is not None and abs(count - key.ntokens) <= 1:
                needs_cue = key.context_only or count > key.ntokens  # "Zaan stad"
                if count > key.ntokens and words[start] in _SPLIT_BLOCKERS:
                    continue  # "de venter" is not Deventer
                if not needs_cue or cue or _is_sole(tokens, start, end):
                    found.append(_Candidate(key, start, end, True, cue))
                continue
            if len(glued) < _MIN_FUZZY_LEN - 1 or glued in index.all_glued:
                continue
            if count == 1:
                if len(glued) > index.max_single + 2:
                    continue
            else:
                most_tokens, longest = index.prefixes.get(words[start], (0, 0))
                if count > most_tokens + 1 or len(glued) > longest + 2:
                    continue
            if words[start] in _FUZZY_STOPWORDS or glued in _FUZZY_STOPWORDS:
                continue
            sole = bool(cue) or _is_sole(tokens, start, end)
            if count > 1 and not sole:
                continue  # typos in several-word names only after a place cue
            for fuzzy_key, _distance in _fuzzy_keys(index, glued):
                if abs(count - fuzzy_key.ntokens) > 1:
                    continue
                # Several words: the typo must lie after an exact first word ("den haga").
                if count > 1 and (fuzzy_key.ntokens == 1 or fuzzy_key.first != words[start]):
                    continue
                needs_cue = fuzzy_key.context_only or len(fuzzy_key.glued) < _MIN_FREE_FUZZY_LEN
                if needs_cue and not sole:
                    continue
                found.append(_Candidate(fuzzy_key, start, end, False, cue))
    return found


def match_municipality(text: str) -> MunicipalityMatch | None:
    """The municipality mentioned in ``text``, or None.

    Exact matches win over typo matches, then a match after a place cue ("woon in",
    "gemeente") over one without, then the longest match, then the first one. Results are
    cached per text, since one message is often asked about more than once.
    """
    if not text or not text.strip():
        return None
    return _cached_match(text)


def _match_uncached(text: str) -> MunicipalityMatch | None:
    """:func:`match_municipality` without the cache."""
    index = _index()
    tokens = _tokenize(text)
    candidates = _candidates(index, tokens)
    if not candidates:
        return None
    best = max(candidates, key=_Candidate.rank)
    matched = text[tokens[best.start].start:tokens[best.end - 1].end]
    return MunicipalityMatch(index.by_code[best.key.code], matched, best.exact)


_cached_match = lru_cache(maxsize=1024)(_match_uncached)


def find_ambiguous(text: str) -> Tuple[Municipality, ...]:
    """Municipalities sharing a name the user used ("Bergen" -> Bergen (L.), Bergen (NH.)).

    Empty when the sentence names no such place or when :func:`match_municipality` already
    finds a municipality in it.
    """
    if not text or match_municipality(text) is not None:
        return ()
    index = _index()
    words = normalize_tokens(text)
    for start in range(len(words)):
        glued = ""
        for end in range(start, min(len(words), start + 3)):
            glued += words[end]
            codes = index.ambiguous.get(glued)
            if codes:
                return tuple(index.by_code[code] for code in codes)
    return ()


_PLACE_PATTERNS = (
    # "ik woon in X", "wij wonen sinds kort in X", "woonachtig te X", "verhuisd naar X"
    re.compile(
        r"\b(?:woon|wonen|woont|woonde|woonden|woonachtig|wonende|verhuisd|verhuizen)\b"
        r"(?:\s+[^\s,.;:!?]+){0,3}?\s+(?:in|te|naar)\s+(?P<place>[^,.;:!?\n]+)",
        re.IGNORECASE,
    ),
    # "gemeente X", "woonplaats: X"
    re.compile(r"\b(?:gemeente|woonplaats)\s*(?:is\s+|:\s*)?(?P<place>[^,.;:!?\n]+)",
               re.IGNORECASE),
)


def _place_phrase(raw: str, strict_case: bool) -> str | None:
    """The place name at the start of ``raw`` ("Nergenshuizen en ik" -> "Nergenshuizen")."""
    words = raw.split()
    if not words:
        return None
    first = "".join(normalize_tokens(words[0]))
    if first in _NOT_A_PLACE and not (
        first in {"de", "den", "het", "s"} and len(words) > 1 and words[1][:1].isupper()
    ):
        return None
    if strict_case and not words[0][:1].isupper():
        return None
    capitalised = words[0][:1].isupper() or (
        first in {"de", "den", "het", "s"} and len(words) > 1 and words[1][:1].isupper()
    )
    kept = [words[0]]
    position = 1
    while capitalised and position < len(words):
        word = words[position]
        if "".join(normalize_tokens(word)) in _PLACE_END:
            break
        if word[:1].isupper():
            kept.append(word)
            position += 1
            continue
        # "aan den Dijk": lower-case joiners count only when a capitalised word follows.
        end = position
        while end < len(words) and "".join(normalize_tokens(words[end])) in _PLACE_JOINERS:
            end += 1
        if end == position or end >= len(words) or not words[end][:1].isupper():
            break
        kept.extend(words[position:end + 1])
        position = end + 1
    phrase = " ".join(kept).strip(" '\"()[]")
    if not re.search(r"[^\W\d_]{2,}", phrase):
        return None
    glued = "".join(normalize_tokens(phrase))
    if glued in _PROVINCES or glued in _NOT_A_PLACE or glued in _index().ambiguous:
        return None
    return phrase


# Capitalised one-word replies that are no place ("Waarom?", "Geheim").
_NOT_A_PLACE_REPLY: FrozenSet[str] = _words(
    """
    waarom hoezo geheim prive nee ja nvt onbekend niks niets geen weet sorry pardon wat
    hoe help hulp stop oke ok prima goed dank bedankt dankjewel liever later misschien
    overslaan skip
    """
)


def find_unknown_place(text: str, *, expecting_place: bool = False) -> str | None:
    """The place a user says they live in when it is no municipality we know.

    "ik woon in Nergenshuizen" -> "Nergenshuizen"; "ik woon in Den Bosch" -> None (known);
    "ik woon in een flat" -> None (no place). Province names and shared names such as
    "Bergen" are not reported as unknown. With ``expecting_place`` (the bot just asked for
    the municipality) a bare reply of up to five capitalised words (joiners such as "aan den"
    allowed) counts as the place too ("Nergenshuizen", "Oud Nergens aan den Dijk").
    """
    if not text or match_municipality(text) is not None or find_ambiguous(text):
        return None
    if expecting_place:
        bare = _bare_place(text)
        if bare:
            return bare
    for number, pattern in enumerate(_PLACE_PATTERNS):
        for found in pattern.finditer(text):
            place = found.group("place")
            # "gemeente X" needs a capital unless the message is only that.
            around = normalize_tokens(text[:found.start("place")])
            around += normalize_tokens(" ".join(place.split()[1:]))
            strict = number == 1 and not all(word in _FILLERS for word in around)
            phrase = _place_phrase(place, strict_case=strict)
            if phrase:
                return phrase
    return None


def _bare_place(text: str) -> str | None:
    """A reply that is only a capitalised place name, or None."""
    words = text.strip().strip(".!?").split()
    if not 1 <= len(words) <= 5 or not words[0][:1].isupper():
        return None
    first = "".join(normalize_tokens(words[0]))
    if first in _NOT_A_PLACE_REPLY or first in _NOT_A_PLACE:
        return None
    for word in words[1:]:
        if not word[:1].isupper() and "".join(normalize_tokens(word)) not in _PLACE_JOINERS:
            return None
    if not words[-1][:1].isupper():
        return None
    return _place_phrase(" ".join(words), strict_case=True)
