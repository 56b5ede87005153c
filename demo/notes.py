"""What the demo's people write: notes of calls, meetings and leads, reasons, requirements, commitments, fates."""

from __future__ import annotations

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
