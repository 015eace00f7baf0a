"""Invented but plausible names, places and events for the demo (no real people)."""

# (province, [cities]) — Flanders and Brussels
PLACES: list[tuple[str, list[str]]] = [
    ("Antwerpen", ["Antwerpen", "Mechelen", "Turnhout", "Lier", "Geel", "Boom"]),
    ("Oost-Vlaanderen", ["Gent", "Aalst", "Sint-Niklaas", "Oudenaarde", "Eeklo", "Lokeren"]),
    ("West-Vlaanderen", ["Brugge", "Kortrijk", "Oostende", "Roeselare", "Ieper"]),
    ("Vlaams-Brabant", ["Leuven", "Vilvoorde", "Halle", "Tienen", "Dilbeek"]),
    ("Limburg", ["Hasselt", "Genk", "Tongeren", "Sint-Truiden", "Lommel"]),
    ("Brussels Hoofdstedelijk Gewest", ["Brussel", "Schaarbeek", "Anderlecht", "Elsene",
                                        "Sint-Gillis", "Molenbeek"]),
]

# sector -> words that make a co-op name in that sector
SECTORS: dict[str, list[str]] = {
    "Hernieuwbare energie": ["Zonne", "Wind", "Energie", "Stroom", "Warmte", "Dak"],
    "Voeding en landbouw": ["Boeren", "Oogst", "Akker", "Brood", "Voedsel", "Veld"],
    "Wonen": ["Woon", "Dak", "Huis", "Bouw", "Thuis"],
    "Zorg en welzijn": ["Zorg", "Buur", "Hart", "Welzijn"],
    "Mobiliteit": ["Fiets", "Deel", "Velo", "Rij", "Koerier"],
    "Financiën": ["Spaar", "Krediet", "Munt", "Fonds"],
    "Media en cultuur": ["Media", "Boek", "Film", "Podium", "Pers"],
    "Dienstverlening": ["Werk", "Advies", "Kennis", "Klus"],
    "Horeca en detailhandel": ["Koffie", "Bier", "Markt", "Winkel"],
    "Digitaal": ["Data", "Code", "Net", "Digi"],
}

NAME_ENDINGS = ["kracht", "coop", "collectief", "gilde", "netwerk", "molen", "bond",
                "haven", "werk", "plein", "ster", "dorp"]
NAME_TEMPLATES = ["{word}{ending}", "{word}{ending} {city}", "{city}se {word}{ending}",
                  "{word}{ending} cv"]

LEGAL_FORMS = ["CV", "CV erkend", "CV met sociaal oogmerk", "CVBA-SO"]

FIRST_NAMES = [
    "An", "Bart", "Charlotte", "Dirk", "Els", "Femke", "Geert", "Hanne", "Ilse", "Jan",
    "Karen", "Lien", "Marc", "Nathalie", "Olivier", "Pieter", "Ruben", "Sarah", "Tom", "Veerle",
    "Wim", "Yasmina", "Zeynep", "Karim", "Fatima", "Lotte", "Jonas", "Eline", "Koen", "Marie",
    "Thomas", "Nora", "Sam", "Ines", "Lucas", "Amira", "Hugo", "Emma", "Bram", "Julie",
]
LAST_NAMES = [
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Van den Broeck", "Hermans",
    "Vermeulen", "Aerts", "De Clercq", "Van Damme", "Pauwels", "El Amrani", "Yilmaz",
    "De Backer", "Verstraete", "Coppens", "Desmet", "Martens", "Smets", "Michiels", "Segers",
]
ROLES = ["zaakvoerder", "coördinator", "bestuurder", "communicatie", "HR-verantwoordelijke",
         "vrijwilliger", "directeur"]

# (kind slug, title, Brussels local start "YYYY-MM-DD HH:MM", minutes, city, location,
#  capacity, visibility)
PAST_EVENTS: list[tuple[str, str, str, int, str, str, int | None, str]] = [
    ("webinar", "Webinar: kapitaal ophalen bij je coöperanten", "2021-03-11 12:00", 75, "", "", None, "public"),
    ("webinar", "Webinar: GDPR voor coöperaties", "2021-04-22 12:00", 75, "", "", None, "public"),
    ("lezing", "Lezing: de coöperatieve ondernemingsvorm na het nieuwe WVV", "2021-06-03 19:30", 90, "Leuven", "Het Depot", 60, "public"),
    ("webinar", "Webinar: coöperaties en de SDG's", "2021-09-30 12:00", 60, "", "", None, "public"),
    ("seminarie", "Seminarie: samenwerken met lokale besturen", "2021-11-18 09:30", 180, "Gent", "De Centrale", 40, "public"),
    ("debat", "Debat: coöperatief ondernemen en de transitie", "2022-03-17 19:30", 120, "Antwerpen", "De Studio", 80, "public"),
    ("coopborrel", "Coopborrel Antwerpen", "2021-09-16 18:00", 150, "Antwerpen", "Café De Coöperatie", 40, "public"),
    ("coopborrel", "Coopborrel Brussel", "2021-10-21 18:00", 150, "Brussel", "Maison des Coopératives", 40, "public"),
    ("coopborrel", "Coopborrel Gent", "2022-01-27 18:00", 150, "Gent", "Bar Tuinwijk", 40, "public"),
    ("dag-van-de-cooperatie", "Dag van de Coöperatie 2022", "2022-02-24 09:00", 480, "Brussel", "Tour & Taxis", 250, "public"),
    ("rondleiding", "Rondleiding: een dag bij een energiecoöperatie", "2021-10-07 14:00", 120, "Mechelen", "Windpark Noord", 20, "members"),
    ("thematische-groep", "Thematische groep HR in coöperaties (1)", "2021-05-20 14:00", 120, "", "", 20, "members"),
    ("thematische-groep", "Thematische groep energiegemeenschappen (1)", "2021-06-17 14:00", 120, "Leuven", "Coopkracht kantoor", 20, "members"),
    ("thematische-groep", "Thematische groep coöperatief bestuur (1)", "2021-12-09 14:00", 120, "Brussel", "Coopkracht kantoor", 20, "members"),
    ("infosessie", "Infosessie voor nieuwe werknemers: wat is een coöperatie?", "2021-11-25 10:00", 120, "", "", 30, "members"),
    ("workshop", "Workshop: de ICA-principes in je eigen coöperatie", "2022-03-03 13:30", 180, "Gent", "De Centrale", 25, "members"),
    ("gebruikersgroep", "Gebruikersgroep DAR", "2021-03-02 10:00", 120, "", "", None, "internal"),
    ("gebruikersgroep", "Gebruikersgroep DAR", "2021-10-12 10:00", 120, "", "", None, "internal"),
    ("managementgroep", "Managementgroep", "2021-02-09 14:00", 90, "", "", None, "internal"),
    ("managementgroep", "Managementgroep", "2021-05-11 14:00", 90, "", "", None, "internal"),
    ("managementgroep", "Managementgroep", "2021-09-14 14:00", 90, "", "", None, "internal"),
    ("partneroverleg", "Partneroverleg Febecoop en Cera", "2021-04-08 10:00", 90, "", "", None, "internal"),
    ("partneroverleg", "Partneroverleg Febecoop en Cera", "2021-11-04 10:00", 90, "", "", None, "internal"),
    ("stuurgroep", "Stuurgroep Coopfabrik", "2021-03-25 14:00", 120, "Brussel", "Coopkracht kantoor", None, "internal"),
    ("bestuursorgaan", "Bestuursorgaan", "2021-01-19 19:00", 120, "", "", None, "internal"),
    ("bestuursorgaan", "Bestuursorgaan", "2021-03-16 19:00", 120, "", "", None, "internal"),
    ("bestuursorgaan", "Bestuursorgaan", "2021-06-15 19:00", 120, "", "", None, "internal"),
    ("bestuursorgaan", "Bestuursorgaan", "2021-09-21 19:00", 120, "", "", None, "internal"),
    ("bestuursorgaan", "Bestuursorgaan", "2021-12-14 19:00", 120, "", "", None, "internal"),
    ("algemene-vergadering", "Algemene vergadering 2021", "2021-06-12 10:00", 180, "Brussel", "Coopkracht kantoor", None, "members"),
]

EVENT_DESCRIPTIONS: dict[str, str] = {
    "webinar": "Een online sessie van een uur met een korte inleiding en veel ruimte voor vragen. "
               "Je krijgt de link na je inschrijving.",
    "lezing": "Een lezing met nadien een drankje en tijd om na te praten.",
    "seminarie": "Een halve dag met sprekers uit de praktijk en gesprekken in kleine groepen.",
    "debat": "Een open debat met gasten uit coöperaties, beleid en onderzoek.",
    "coopborrel": "Ontmoet andere coöperanten uit de regio bij een drankje. Iedereen welkom, "
                  "lid of niet.",
    "dag-van-de-cooperatie": "De jaarlijkse ontmoetingsdag van de coöperatieve sector: "
                             "sprekers, workshops, een markt van coöperaties en een receptie.",
    "rondleiding": "Een rondleiding ter plaatse met uitleg over de coöperatieve werking.",
    "thematische-groep": "Leden wisselen ervaringen uit rond een gedeeld thema.",
    "infosessie": "Een kennismaking met het coöperatieve werkveld en de ICA-principes voor "
                  "nieuwe werknemers bij onze leden.",
    "workshop": "Een praktische workshop voor leden, in kleine groep.",
}
