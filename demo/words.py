"""The demo's made-up Danish world: people, places, companies, notes (all fictional but the unions)."""

from __future__ import annotations

USERS = (  # username, display name, department, role
    ("peter", "Peter Brandt", "other", "admin"),
    ("mette", "Mette Kjærgaard", "health", "recruiter"),
    ("jonas", "Jonas Bundgaard", "health", "recruiter"),
    ("lars", "Lars Ravnholt", "business_service", "consultant"),
    ("birgitte", "Birgitte Holm", "job_centre", "consultant"),
    ("sofie", "Sofie Dalgaard", "health", "health_consultant"),
    ("anders", "Anders Vinther", "health", "project_lead"),
    ("karen", "Karen Østergaard", "other", "auditor"),
)
RECRUITERS = ("mette", "jonas")
CONSULTANTS = ("lars", "birgitte")
HEALTH, LEAD = "sofie", "anders"

PARTNERS = (  # name, kind, note
    ("FOA", "union", "Tillidsrepræsentanter i ældreplejen og rengøringen"),
    ("3F", "union", "Chauffører, lager, byggeri, landbrug og rengøring"),
    ("Dansk Metal", "union", "Metal- og maskinindustrien"),
    ("BUPL", "union", "Pædagoger i daginstitutionerne"),
    (
        "Boligforeningen Vestervang",
        "housing_association",
        "Beboerrådgiveren formidler kontakt til lokale arbejdspladser",
    ),
    ("Erhvervsklubben Midt", "business_network", "Morgenmøder for lokale virksomhedsledere hver anden måned"),
    ("Dansk Firmaidrætsforbund", "company_sports", "Firmaidræt og motion på arbejdspladsen"),
)
UNION_FOR = {
    "care": "FOA",
    "cleaning": "FOA",
    "transport": "3F",
    "agriculture": "3F",
    "construction": "3F",
    "production": "Dansk Metal",
}

FEMALE = (
    "Mette",
    "Anne",
    "Hanne",
    "Susanne",
    "Lone",
    "Kirsten",
    "Pia",
    "Helle",
    "Camilla",
    "Louise",
    "Tina",
    "Charlotte",
    "Bente",
    "Lene",
    "Marianne",
    "Dorthe",
    "Rikke",
    "Heidi",
    "Karina",
    "Birthe",
)
MALE = (
    "Lars",
    "Jens",
    "Peter",
    "Michael",
    "Søren",
    "Henrik",
    "Thomas",
    "Morten",
    "Jesper",
    "Niels",
    "Rasmus",
    "Mads",
    "Jan",
    "Kim",
    "Torben",
    "Allan",
    "Claus",
    "Ole",
    "Kenneth",
    "Flemming",
)
SURNAMES = (
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
    "Møller",
    "Mortensen",
    "Knudsen",
    "Lund",
    "Holm",
    "Bak",
    "Dam",
    "Skov",
    "Krogh",
    "Vestergaard",
    "Kjær",
    "Frandsen",
    "Bech",
    "Lauridsen",
    "Toft",
    "Dahl",
    "Kjeldsen",
    "Overgaard",
    "Søgaard",
    "Mikkelsen",
)
PLACES = (
    "Hjortebro",
    "Stenvad",
    "Kildebakke",
    "Fjordvang",
    "Engholm",
    "Solbjerg",
    "Havrevang",
    "Ravnsø",
    "Tjørnely",
    "Bøgely",
    "Kærby",
    "Granly",
    "Lyngbakke",
    "Vesterhede",
    "Nørreskov",
    "Egebjerg",
    "Højmark",
    "Birkelund",
    "Mosevang",
    "Ålund",
    "Rønnely",
    "Skovbrynet",
    "Elmevang",
    "Lærkehøj",
)
STREETS = (
    "Industrivej",
    "Fabriksvej",
    "Håndværkervej",
    "Stationsvej",
    "Hovedgaden",
    "Kirkevej",
    "Skolevej",
    "Møllevej",
    "Engvej",
    "Bakkevej",
    "Søndergade",
    "Nørregade",
    "Vestergade",
    "Smedevej",
    "Lærkevej",
)
TOWNS = (
    ("8800", "Viborg"),
    ("8800", "Viborg"),
    ("8830", "Tjele"),
    ("8850", "Bjerringbro"),
    ("8860", "Ulstrup"),
    ("7470", "Karup J"),
    ("8832", "Skals"),
    ("8840", "Rødkærsbro"),
)
ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
PHONE_PREFIXES = (
    "20",
    "21",
    "22",
    "23",
    "24",
    "25",
    "26",
    "27",
    "28",
    "29",
    "30",
    "31",
    "40",
    "41",
    "42",
    "50",
    "51",
    "52",
    "53",
    "60",
    "61",
    "86",
    "87",
)

INDUSTRY_WEIGHTS = {
    "care": 22,
    "cleaning": 15,
    "transport": 18,
    "production": 20,
    "agriculture": 12,
    "construction": 5,
    "retail": 3,
    "public_administration": 2,
    "other": 3,
}
PUBLIC_SHARE = {"care": 0.55, "cleaning": 0.2, "public_administration": 1.0}
NAMES = {
    ("care", "public"): ("Plejecenter {place}", "Hjemmeplejen {place}", "Børnehuset {place}", "Bostedet {place}"),
    ("care", "private"): (
        "{surname}s Private Hjemmepleje ApS",
        "Omsorgsgruppen {place} ApS",
        "{place} Privatpleje ApS",
    ),
    ("cleaning", "public"): ("Rengøringsteamet {place}", "Kommunal Rengøring {place}"),
    ("cleaning", "private"): (
        "{surname} Rengøring ApS",
        "{place} Rengøringsservice A/S",
        "Rent & Pænt {place} ApS",
        "{surname}s Vinduespolering I/S",
    ),
    ("transport", "private"): (
        "{surname} Transport A/S",
        "{surname}s Vognmandsforretning",
        "{place} Busser A/S",
        "{place} Fragt ApS",
        "{surname} & Søn Kørsel ApS",
    ),
    ("production", "private"): (
        "{place} Maskinfabrik A/S",
        "{surname} Stål ApS",
        "{place} Plast A/S",
        "{surname} & Søn Metal ApS",
        "{place} Bageri ApS",
        "{place} Træindustri A/S",
    ),
    ("agriculture", "private"): (
        "{place}gård Landbrug I/S",
        "{surname} Landbrug I/S",
        "{place} Gartneri ApS",
        "{place} Maskinstation ApS",
        "{place} Svineproduktion ApS",
    ),
    ("construction", "private"): ("{surname} Byg ApS", "{place} Tømrer & Snedker ApS", "{surname}s Murerforretning"),
    ("retail", "private"): ("{place} Købmandsgård", "{surname} Isenkram ApS"),
    ("public_administration", "public"): ("Vej og Park {place}", "Genbrugspladsen {place}"),
    ("other", "private"): ("{place} Vaskeri ApS", "{place} Kantineservice ApS"),
}
TARGET_NOTES = (
    "ca. {pct} % kortuddannede, mange 40-60-årige",
    "Mange ufaglærte på skiftehold; gennemsnitsalder ca. {age} år",
    "ca. {pct} % uden erhvervsuddannelse, mange over 50",
    "Mange på nathold og weekendvagter, ca. {pct} % kortuddannede",
)

CALL_NOTES = {
    "no_answer": (
        "Ingen svar, prøver igen",
        "Telefonsvarer – lagt besked",
        "Ringet to gange uden at komme igennem",
        "Omstillingen lukket, prøver i morgen tidlig",
    ),
    "call_back": (
        "{first} bad mig ringe igen i næste uge",
        "Direktøren er på ferie; ring igen om en uge",
        "Talte kort med {first}, der gerne vil høre mere, men ikke i dag",
        "{first} sidder i møde; ring efter frokost",
    ),
    "not_now": (
        "Travlt i sæsonen – vil gerne høres igen efter sommerferien",
        "Midt i en omstrukturering; ikke nu",
        "Har lige haft trivselsmåling; tag kontakt igen om et par måneder",
    ),
    "declined": (
        "Ønsker ikke at deltage; har egen sundhedsordning",
        "Nej tak – ingen tid til samtaler i arbejdstiden",
        "For få medarbejdere i målgruppen, siger {first}",
        "Siger nej tak; den nye ledelse skal først finde sig til rette",
    ),
    "interested": (
        "{first} er interesseret og vil tale med ledelsen",
        "Positiv: højt sygefravær, vil gerne høre mere",
        "Interesseret i sundhedstjek for nattevagterne",
        "{first} vil gerne have materiale om sundhedssamtalerne",
    ),
    "meeting_booked": (
        "Møde aftalt med {first} og direktøren",
        "Møde booket på virksomheden med ledelsen og TR",
        "Møde aftalt – vi tager tal for sygefravær med",
    ),
}
WRITTEN_NOTES = {
    "no_answer": ("Sendt materiale og bedt om svar; intet svar endnu", "Intet svar på henvendelsen"),
    "call_back": ("{first} svarede: skriv igen efter ferien", "{first} svarede: ring i næste uge"),
}
MEETING_NOTES = (
    "Møde holdt med ledelsen: sygefraværet er ca. {pct} %, vil gerne have sundhedstjek for alle",
    "Godt møde med direktøren og TR; skal have bestyrelsens ok",
    "Møde holdt på virksomheden; interesseret, men bekymret for produktionen",
)
CONSULTANT_NOTES = (
    "Fastholdelsessamtale på virksomheden; nævnte sundhedstjekket, HR vil høre mere",
    "Mødt direktøren på netværksmødet; positiv over for sundhedssamtaler",
)
PARK_REASONS = (
    "Omstrukturering; ny direktør starter til foråret",
    "Travlt med en stor ordre; ring efter sommerferien",
    "Flytter til nye lokaler; tag kontakt igen efter flytningen",
)
LEAD_REASONS = {
    "lars": (
        "Højt sygefravær, tal med HR-chefen",
        "Mange ældre chauffører med rygproblemer; direktøren er åben",
        "Ny HR-chef der gerne vil arbejde med trivsel",
        "Mange kortuddannede på skiftehold; ledelsen frygter nedslidning",
    ),
    "birgitte": (
        "Flere medarbejdere i fastholdelsesforløb hos jobcentret; tal med HR",
        "Har spurgt til rygestop for medarbejderne",
        "Højt sygefravær på nattevagterne, tal med afdelingslederen",
    ),
}
LEAD_DECLINES = (
    "Under 10 ansatte – uden for målgruppen",
    "Vi er allerede i dialog via FOA",
    "Virksomheden deltager i et andet sundhedsprojekt lige nu",
)
EXTRA_REQUIREMENTS = (
    "Ledere og tillidsrepræsentanter tager samtalen først som ambassadører",
    "Tilbuddet præsenteres på personalemødet",
    "Samtaler også for nattevagterne",
)
COMMITMENTS = {
    "exercise_in_working_hours": "Motion i arbejdstiden to gange om ugen",
    "smoking_cessation_in_working_hours": "Rygestopkursus i arbejdstiden for alle, der ønsker det",
    "healthier_canteen": "Sundere kantine: grønt til hvert måltid og vand i stedet for sodavand",
    "fruit_scheme": "Frugtordning: frugt i pauserummet alle hverdage",
    "health_policy": "Skriftlig sundhedspolitik vedtaget i samarbejdsudvalget",
    "smoking_policy": "Røgfri arbejdstid inden for et halvt år",
    "health_ambassadors": "To sundhedsambassadører uddannet blandt medarbejderne",
    "workplace_assessment": "Sundhed kommer med i den næste APV",
}
FOCUS_POINTS = (
    "Mange sover dårligt pga. skiftearbejde; flere ryger; ønske om motion i arbejdstiden",
    "Mange har ondt i ryg og skuldre; kost i nattevagterne; enkelte henvist til rygestop",
    "Høj trivsel, men lidt bevægelse; mange over 50 med forhøjet blodtryk",
)
FOLLOW_UP_NOTES = (
    "Opfølgning: flere har taget imod et tilbud anden gang; rygestopholdet er startet",
    "Opfølgning holdt med HR; motionsholdet kører, frugtordningen er i gang",
)

# How many of each fate among n companies; agreement fates are handed out in this order.
AGREEMENT_FATES = (
    "signed",
    "completed",
    "negotiating",
    "terminated",
    "signed",
    "ready",
    "signed",
    "completed",
    "negotiating",
    "signed",
)
OUTREACH_FATES = ("untouched", "cold", "declined", "parked", "meeting", "reapproached")
