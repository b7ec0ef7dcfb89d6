"""Demo data for trying Tremplin out: `load_demo()` fills a database with a plausible season.

Two organisations and their staff logins; events in Casablanca, Rabat and Tanger (an upcoming job
fair with two workshops and a panel inside it, a workshop, an information session, a training, and
a job day three weeks ago whose visitors were checked in at two doors); eight employers with their
booths, CSR pledges, deliveries and offers; about three hundred attendees with their registrations,
check-ins, leads, interests and feedback.

The load is idempotent: every object is found by a natural key (slug, e-mail, ICE, phone number,
event and attendee, ...) and only the missing ones are created, all in one transaction. The random
choices come from a fixed seed, so every run plans the same data; dates are relative to `today`.
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeVar

from tortoise.models import Model
from tortoise.transactions import in_transaction

from server.codes.passwords import hash_password
from server.codes.serials import new_badge_serial
from server.models import (
    Attendee,
    CheckIn,
    Delivery,
    Employer,
    EmployerMember,
    Event,
    Exhibitor,
    Feedback,
    Interest,
    Lead,
    Membership,
    Offer,
    Organisation,
    Pledge,
    Registration,
    SynthesisReport,
    User,
)
from server.models.enums import (
    CheckInKind,
    CheckInResult,
    CompanySize,
    ContractType,
    DeliveryReview,
    EducationLevel,
    EmployerRole,
    EmployerStatus,
    EventKind,
    EventStatus,
    ExhibitorStatus,
    Gender,
    InterestStatus,
    LegalStatus,
    OfferStatus,
    PledgeKind,
    RegistrationSource,
    RegistrationStatus,
    ReportStatus,
    Role,
)
from server.values.clock import EVENT_TIMEZONE

SEED = 2026
ATTENDEE_COUNT = 300
SIGN_UP_WINDOW = timedelta(weeks=8)  # registration opens this long before an event starts
OFFER_AGE = timedelta(days=20)  # published offers went online this long before `today`
Texts = dict[str, str]
T = TypeVar("T")

# --- Organisations and staff -----------------------------------------------------------------

PASSERELLES = "passerelles"
EMPLOI_INCLUSION = "emploi-inclusion"

ORGANISATIONS = (
    (PASSERELLES, "Association Passerelles Maroc"),
    (EMPLOI_INCLUSION, "Programme Emploi Inclusion"),
)

ORGANISER = "organiser@example.org"
CHECKIN_STAFF = "checkin@example.org"
EMPLOYER_ADMIN = "employer@example.org"

USERS = (  # e-mail, full name, preferred language
    (ORGANISER, "Salma Benali", "fr"),
    (CHECKIN_STAFF, "Youssef El Amrani", "ar"),
    (EMPLOYER_ADMIN, "Karim Tazi", "fr"),
    ("organiser2@example.org", "Nadia Chraibi", "fr"),
)

MEMBERSHIPS = (
    (ORGANISER, PASSERELLES, Role.OWNER),
    (CHECKIN_STAFF, PASSERELLES, Role.CHECKIN),
    ("organiser2@example.org", EMPLOI_INCLUSION, Role.ORGANISER),
)

# --- Events ------------------------------------------------------------------------------------

FAIR = "salon-emploi-casablanca"
CV_WORKSHOP = "atelier-cv-casablanca"
INTERVIEW_WORKSHOP = "atelier-entretien-casablanca"
RIGHTS_PANEL = "table-ronde-droits-casablanca"
RABAT_WORKSHOP = "atelier-competences-rabat"
TANGER_SESSION = "seance-information-tanger"
TRAINING = "formation-relation-client-rabat"
PAST_FAIR = "journee-emploi-rabat"

CASABLANCA_VENUE = "Centre culturel Al Amal"
CASABLANCA_ADDRESS = "Boulevard Zerktouni, Maârif, Casablanca"


@dataclass(frozen=True)
class EventSpec:
    """A demo event; its slug is `key` followed by the year it starts in."""

    key: str
    organisation: str
    kind: EventKind
    city: str
    venue: str
    address: str
    day: int  # days after `today`, negative for the past
    starts: time
    ends: time
    capacity: int | None
    title: Texts
    description: Texts
    practical_info: Texts
    parent: str | None = None
    room: str = ""
    days: int = 1
    waitlist: bool = True


# A fair comes before its sessions, so that they can point at it.
EVENTS = (
    EventSpec(
        key=FAIR,
        organisation=PASSERELLES,
        kind=EventKind.JOB_FAIR,
        city="Casablanca",
        venue=CASABLANCA_VENUE,
        address=CASABLANCA_ADDRESS,
        day=21,
        starts=time(9, 30),
        ends=time(17, 0),
        capacity=400,
        title={
            "fr": "Salon de l'emploi et de l'insertion — Casablanca",
            "ar": "معرض التشغيل والإدماج المهني — الدار البيضاء",
            "en": "Employment and Inclusion Fair — Casablanca",
        },
        description={
            "fr": "Une journée pour rencontrer des employeurs qui recrutent, découvrir des offres "
            "de stage et d'emploi et se faire accompagner dans ses démarches. Ouvert aux "
            "personnes migrantes et réfugiées, que leur situation soit régularisée ou en cours. "
            "Entreprises présentes : BTP, hôtellerie-restauration, centres d'appels, textile, "
            "agroalimentaire et logistique.",
            "ar": "يوم للقاء مشغّلين يبحثون عن موظفين، والاطلاع على عروض التدريب والعمل، "
            "والحصول على مرافقة في الإجراءات. مفتوح للمهاجرين واللاجئين، سواء سُوّيت وضعيتهم "
            "أو ما زالت قيد التسوية. تشارك شركات من قطاعات البناء والأشغال العمومية، والفندقة "
            "والمطاعم، ومراكز النداء، والنسيج، والصناعات الغذائية، واللوجستيك.",
            "en": "A day to meet employers who are hiring, discover internships and jobs, and get "
            "help with your paperwork. Open to migrants and refugees, whether your status is "
            "regularised or in progress. Companies from construction, hotels and restaurants, "
            "call centres, textiles, food processing and logistics will be there.",
        },
        practical_info={
            "fr": "Entrée libre sur inscription. Présentez votre badge (QR code) à l'entrée, sur "
            "votre téléphone ou imprimé. Apportez plusieurs exemplaires de votre CV et une pièce "
            "d'identité ou votre carte de séjour. Accès en tramway et en bus.",
            "ar": "الدخول مجاني مع التسجيل المسبق. قدّم شارتك (رمز QR) عند المدخل، على هاتفك أو "
            "مطبوعة. أحضر عدة نسخ من سيرتك الذاتية ووثيقة هوية أو بطاقة الإقامة. يمكن الوصول "
            "إلى المكان بالترامواي والحافلة.",
            "en": "Free entry, registration required. Show your badge (QR code) at the entrance, "
            "on your phone or printed. Bring several copies of your CV and an ID document or "
            "residence card. Reachable by tram and bus.",
        },
    ),
    EventSpec(
        key=CV_WORKSHOP,
        organisation=PASSERELLES,
        kind=EventKind.WORKSHOP,
        parent=FAIR,
        city="Casablanca",
        venue=CASABLANCA_VENUE,
        address=CASABLANCA_ADDRESS,
        room="Salle 1",
        day=21,
        starts=time(10, 0),
        ends=time(11, 30),
        capacity=30,
        title={
            "fr": "Atelier : rédiger un CV qui convainc un employeur",
            "ar": "ورشة: كتابة سيرة ذاتية تقنع المشغّل",
            "en": "Workshop: writing a CV that gets you an interview",
        },
        description={
            "fr": "En petit groupe, avec une conseillère en insertion : mettre en valeur "
            "l'expérience acquise au pays ou au Maroc, présenter ses diplômes et ses langues. "
            "Chacun repart avec un CV relu.",
            "ar": "في مجموعة صغيرة ومع مستشارة في الإدماج المهني: كيف تبرز الخبرة التي اكتسبتها "
            "في بلدك أو في المغرب، وكيف تقدّم شهاداتك واللغات التي تتقنها. يغادر كل مشارك "
            "بسيرة ذاتية تمت مراجعتها.",
            "en": "In a small group with an employment adviser: how to highlight experience "
            "gained at home or in Morocco and present your diplomas and languages. Everyone "
            "leaves with a reviewed CV.",
        },
        practical_info={
            "fr": "Salle 1, premier étage. Apportez votre CV actuel, sur papier ou sur votre "
            "téléphone, si vous en avez un.",
            "ar": "القاعة 1، الطابق الأول. أحضر سيرتك الذاتية الحالية، ورقية أو على هاتفك، "
            "إن كانت لديك.",
            "en": "Room 1, first floor. Bring your current CV, on paper or on your phone, if you "
            "have one.",
        },
    ),
    EventSpec(
        key=INTERVIEW_WORKSHOP,
        organisation=PASSERELLES,
        kind=EventKind.WORKSHOP,
        parent=FAIR,
        city="Casablanca",
        venue=CASABLANCA_VENUE,
        address=CASABLANCA_ADDRESS,
        room="Salle 2",
        day=21,
        starts=time(14, 0),
        ends=time(15, 30),
        capacity=30,
        title={
            "fr": "Atelier : préparer son entretien d'embauche",
            "ar": "ورشة: التحضير لمقابلة العمل",
            "en": "Workshop: preparing for a job interview",
        },
        description={
            "fr": "Simulations d'entretien avec des recruteurs bénévoles et conseils pour parler "
            "de son parcours, de ses droits et de ses disponibilités. En français, en arabe ou "
            "en anglais.",
            "ar": "محاكاة لمقابلات العمل مع مسؤولي توظيف متطوعين، ونصائح للحديث عن مسارك "
            "وحقوقك ومدى توفرك للعمل. بالفرنسية أو العربية أو الإنجليزية.",
            "en": "Mock interviews with volunteer recruiters, and advice on talking about your "
            "background, your rights and your availability. In French, Arabic or English.",
        },
        practical_info={
            "fr": "Salle 2, premier étage. Merci d'arriver dix minutes avant le début.",
            "ar": "القاعة 2، الطابق الأول. يُرجى الحضور قبل البداية بعشر دقائق.",
            "en": "Room 2, first floor. Please arrive ten minutes early.",
        },
    ),
    EventSpec(
        key=RIGHTS_PANEL,
        organisation=PASSERELLES,
        kind=EventKind.SIDE_EVENT,
        parent=FAIR,
        city="Casablanca",
        venue=CASABLANCA_VENUE,
        address=CASABLANCA_ADDRESS,
        room="Auditorium",
        day=21,
        starts=time(11, 45),
        ends=time(13, 15),
        capacity=120,
        title={
            "fr": "Table ronde : les droits des travailleurs migrants au Maroc",
            "ar": "مائدة مستديرة: حقوق العمال المهاجرين في المغرب",
            "en": "Panel: the rights of migrant workers in Morocco",
        },
        description={
            "fr": "Contrat de travail, CNSS, carte de séjour et son renouvellement, recours en "
            "cas de litige : une avocate, un inspecteur du travail et des associations "
            "répondent à vos questions.",
            "ar": "عقد العمل، والضمان الاجتماعي، وبطاقة الإقامة وتجديدها، وسبل الانتصاف عند "
            "النزاع: محامية ومفتش للشغل وممثلو جمعيات يجيبون عن أسئلتكم.",
            "en": "Employment contracts, social security (CNSS), residence cards and their "
            "renewal, what to do in a dispute: a lawyer, a labour inspector and NGOs answer "
            "your questions.",
        },
        practical_info={
            "fr": "Auditorium, rez-de-chaussée. Interprétation en arabe et en anglais.",
            "ar": "المدرّج، الطابق الأرضي. ترجمة فورية إلى العربية والإنجليزية.",
            "en": "Auditorium, ground floor. Interpreting into Arabic and English.",
        },
    ),
    EventSpec(
        key=RABAT_WORKSHOP,
        organisation=PASSERELLES,
        kind=EventKind.WORKSHOP,
        city="Rabat",
        venue="Maison des associations de l'Agdal",
        address="Avenue de France, Agdal, Rabat",
        room="Salle polyvalente",
        day=10,
        starts=time(14, 0),
        ends=time(17, 0),
        capacity=25,
        title={
            "fr": "Atelier : valoriser ses compétences et son expérience",
            "ar": "ورشة: إبراز مهاراتك وخبراتك",
            "en": "Workshop: making the most of your skills and experience",
        },
        description={
            "fr": "Faire le point sur ses savoir-faire, y compris ceux appris sans diplôme, et "
            "repérer les métiers qui recrutent à Rabat et Salé. Animé par les conseillers de "
            "l'association.",
            "ar": "جرد لمهاراتك، بما فيها تلك التي اكتسبتها دون شهادة، والتعرّف على المهن التي "
            "توظّف في الرباط وسلا. ينشّطها مستشارو الجمعية.",
            "en": "Take stock of your skills, including those learned without a diploma, and "
            "find out which trades are hiring in Rabat and Salé. Run by the association's "
            "advisers.",
        },
        practical_info={
            "fr": "Trois heures, pause thé comprise. Le transport est remboursé sur présentation "
            "du ticket.",
            "ar": "ثلاث ساعات مع استراحة شاي. تُعوَّض مصاريف التنقل عند تقديم التذكرة.",
            "en": "Three hours, tea break included. Travel costs are refunded on presentation of "
            "your ticket.",
        },
    ),
    EventSpec(
        key=TANGER_SESSION,
        organisation=EMPLOI_INCLUSION,
        kind=EventKind.INFO_SESSION,
        city="Tanger",
        venue="Espace associatif du Détroit",
        address="Rue de Fès, Tanger",
        day=14,
        starts=time(10, 0),
        ends=time(12, 0),
        capacity=60,
        title={
            "fr": "Séance d'information : trouver un emploi à Tanger",
            "ar": "جلسة إعلامية: البحث عن عمل في طنجة",
            "en": "Information session: finding work in Tangier",
        },
        description={
            "fr": "Comment s'inscrire à l'ANAPEC, quels documents préparer, quels secteurs "
            "recrutent dans la région (zones industrielles, logistique portuaire, textile) et "
            "quels accompagnements existent pour les personnes migrantes et réfugiées.",
            "ar": "كيفية التسجيل في الوكالة الوطنية لإنعاش التشغيل والكفاءات، والوثائق التي يجب "
            "تحضيرها، والقطاعات التي توظّف في الجهة (المناطق الصناعية، واللوجستيك المينائي، "
            "والنسيج)، وأشكال المرافقة المتاحة للمهاجرين واللاجئين.",
            "en": "How to register with ANAPEC, which documents to prepare, which sectors are "
            "hiring in the region (industrial zones, port logistics, textiles) and what support "
            "exists for migrants and refugees.",
        },
        practical_info={
            "fr": "Séance gratuite d'environ deux heures, suivie d'entretiens individuels pour "
            "celles et ceux qui le souhaitent.",
            "ar": "جلسة مجانية مدتها ساعتان تقريبا، تليها مقابلات فردية لمن يرغب في ذلك.",
            "en": "Free session of about two hours, followed by one-to-one meetings for those "
            "who wish.",
        },
    ),
    EventSpec(
        key=TRAINING,
        organisation=EMPLOI_INCLUSION,
        kind=EventKind.TRAINING,
        city="Rabat",
        venue="Centre de formation Emploi Inclusion",
        address="Avenue Annakhil, Hay Riad, Rabat",
        room="Salle informatique",
        day=42,
        days=12,
        starts=time(9, 0),
        ends=time(16, 0),
        capacity=20,
        waitlist=False,
        title={
            "fr": "Formation : les métiers de la relation client",
            "ar": "تكوين: مهن العلاقة مع الزبناء",
            "en": "Training: customer service careers",
        },
        description={
            "fr": "Deux semaines de formation (accueil, communication au téléphone, outils "
            "informatiques de base) qui préparent aux postes de téléconseiller et d'agent "
            "d'accueil. Une attestation est remise à la fin ; les candidats sont ensuite "
            "présentés aux centres d'appels partenaires.",
            "ar": "تكوين لمدة أسبوعين (الاستقبال، والتواصل عبر الهاتف، وأساسيات الأدوات "
            "المعلوماتية) يؤهّل لمنصبي مستشار عبر الهاتف وعون استقبال. تُسلَّم شهادة في نهاية "
            "التكوين، ثم يُقدَّم المشاركون إلى مراكز النداء الشريكة.",
            "en": "Two weeks of training (front desk, phone communication, basic computer tools) "
            "preparing for call-centre and reception jobs. A certificate is awarded at the end, "
            "and trainees are then introduced to partner call centres.",
        },
        practical_info={
            "fr": "En semaine, de 9 h à 16 h. Un niveau intermédiaire de français oral est "
            "demandé. Places limitées, sans liste d'attente.",
            "ar": "أيام الأسبوع، من التاسعة صباحا إلى الرابعة مساء. يُشترط مستوى متوسط في "
            "الفرنسية الشفوية. المقاعد محدودة ولا توجد لائحة انتظار.",
            "en": "Weekdays, 9 am to 4 pm. Intermediate spoken French is required. Limited "
            "places, no waiting list.",
        },
    ),
    EventSpec(
        key=PAST_FAIR,
        organisation=PASSERELLES,
        kind=EventKind.JOB_FAIR,
        city="Rabat",
        venue="Espace Rabat Rencontres",
        address="Avenue Allal Ben Abdellah, Rabat",
        day=-21,
        starts=time(9, 30),
        ends=time(16, 30),
        capacity=150,
        title={
            "fr": "Journée de l'emploi inclusif — Rabat",
            "ar": "يوم التشغيل الدامج — الرباط",
            "en": "Inclusive Employment Day — Rabat",
        },
        description={
            "fr": "Rencontres avec des employeurs engagés, entretiens sur place et permanence "
            "d'information juridique, avec des entreprises de la région Rabat-Salé-Kénitra.",
            "ar": "لقاءات مع مشغّلين ملتزمين، ومقابلات عمل في عين المكان، وشباك للإرشاد "
            "القانوني، بمشاركة مقاولات من جهة الرباط سلا القنيطرة.",
            "en": "Meet committed employers, on-the-spot interviews and a legal information "
            "desk, with companies from the Rabat-Salé-Kénitra region.",
        },
        practical_info={
            "fr": "Entrée libre sur inscription. Badge QR à présenter à l'entrée (portes A et B).",
            "ar": "الدخول مجاني مع التسجيل. تُقدَّم الشارة (رمز QR) عند المدخل (البابان A وB).",
            "en": "Free entry, registration required. Show your QR badge at the entrance (doors "
            "A and B).",
        },
    ),
)

# --- Employers, their commitments and offers ---------------------------------------------------

ATLAS = "001527384000067"
OASIS = "002064917000018"
CONNECT = "001893502000045"
TEXTILES = "002231846000072"
SOUSS = "001745620000093"
NORD_SUD = "002418375000031"
DAR_NUMERIQUE = "002560194000056"
BAYTI = "002697301000084"


@dataclass(frozen=True)
class EmployerSpec:
    ice: str
    name: str
    sector: str
    size: CompanySize
    city: str
    domain: str
    phone: str
    status: EmployerStatus
    description: str
    rejection_reason: str = ""


EMPLOYERS = (
    EmployerSpec(
        ice=ATLAS,
        name="Atlas Bâtiment et Travaux",
        sector="construction",
        size=CompanySize.LARGE,
        city="Casablanca",
        domain="atlas-batiment.example",
        phone="+212522481530",
        status=EmployerStatus.APPROVED,
        description="Gros œuvre et second œuvre : logements et équipements publics dans la "
        "région de Casablanca-Settat.",
    ),
    EmployerSpec(
        ice=OASIS,
        name="Hôtels Oasis Atlantique",
        sector="hospitality",
        size=CompanySize.MEDIUM,
        city="Marrakech",
        domain="oasis-atlantique.example",
        phone="+212524437712",
        status=EmployerStatus.APPROVED,
        description="Quatre hôtels à Marrakech et Agadir : cuisine, service en salle, étages et "
        "réception.",
    ),
    EmployerSpec(
        ice=CONNECT,
        name="Connect Maroc Services",
        sector="call_centres",
        size=CompanySize.LARGE,
        city="Rabat",
        domain="connect-maroc.example",
        phone="+212537719045",
        status=EmployerStatus.APPROVED,
        description="Centre de relation client en français, anglais et espagnol pour des "
        "donneurs d'ordre européens.",
    ),
    EmployerSpec(
        ice=TEXTILES,
        name="Textiles du Détroit",
        sector="textile",
        size=CompanySize.MEDIUM,
        city="Tanger",
        domain="textiles-detroit.example",
        phone="+212539394210",
        status=EmployerStatus.APPROVED,
        description="Confection de vêtements pour l'export : coupe, couture et finition en zone "
        "franche.",
    ),
    EmployerSpec(
        ice=SOUSS,
        name="Saveurs du Souss",
        sector="agriculture",
        size=CompanySize.MEDIUM,
        city="Agadir",
        domain="saveurs-souss.example",
        phone="+212528223817",
        status=EmployerStatus.APPROVED,
        description="Conditionnement d'agrumes et de primeurs, transformation de produits du "
        "terroir.",
    ),
    EmployerSpec(
        ice=NORD_SUD,
        name="Logistique Nord-Sud",
        sector="logistics",
        size=CompanySize.SMALL,
        city="Tanger",
        domain="logistique-nord-sud.example",
        phone="+212539305588",
        status=EmployerStatus.APPROVED,
        description="Entreposage et préparation de commandes entre Tanger Med et Casablanca.",
    ),
    EmployerSpec(
        ice=DAR_NUMERIQUE,
        name="Dar Numérique",
        sector="digital",
        size=CompanySize.SMALL,
        city="Casablanca",
        domain="dar-numerique.example",
        phone="+212522996340",
        status=EmployerStatus.PENDING,
        description="Développement web et support informatique ; souhaite accueillir des "
        "stagiaires en assistance technique.",
    ),
    EmployerSpec(
        ice=BAYTI,
        name="Bayti Services à Domicile",
        sector="care",
        size=CompanySize.MICRO,
        city="Casablanca",
        domain="bayti-services.example",
        phone="+212522657104",
        status=EmployerStatus.REJECTED,
        description="Aide à domicile et garde d'enfants.",
        rejection_reason="Les documents transmis ne permettent pas de vérifier l'ICE déclaré. "
        "Merci de joindre une attestation d'inscription au registre du commerce et de refaire "
        "la demande.",
    ),
)

EMPLOYER_MEMBERS = ((EMPLOYER_ADMIN, ATLAS, EmployerRole.ADMIN),)

EXHIBITORS = (  # event, employer, booth
    (FAIR, ATLAS, "A1"),
    (FAIR, OASIS, "A2"),
    (FAIR, CONNECT, "A3"),
    (FAIR, TEXTILES, "B1"),
    (FAIR, SOUSS, "B2"),
    (FAIR, NORD_SUD, "B3"),
    (PAST_FAIR, ATLAS, "A1"),
    (PAST_FAIR, CONNECT, "A2"),
    (PAST_FAIR, NORD_SUD, "B1"),
)


@dataclass(frozen=True)
class PledgeSpec:
    """A pledge; `ref` names it within this file, `description` is its key in the database."""

    ref: str
    ice: str
    kind: PledgeKind
    deadline: int  # days after `today`
    description: str
    quantity: int | None = None
    amount_mad: Decimal | None = None
    event: str | None = None  # where it was made


PLEDGES = (
    PledgeSpec(
        ref="atlas-stages",
        ice=ATLAS,
        kind=PledgeKind.INTERNSHIP,
        quantity=10,
        event=FAIR,
        deadline=120,
        description="10 stages de trois mois sur nos chantiers : maçonnerie, coffrage, "
        "ferraillage.",
    ),
    PledgeSpec(
        ref="atlas-emplois",
        ice=ATLAS,
        kind=PledgeKind.JOB,
        quantity=5,
        event=PAST_FAIR,
        deadline=60,
        description="5 contrats à durée déterminée d'ouvrier polyvalent, renouvelables.",
    ),
    PledgeSpec(
        ref="connect-emplois",
        ice=CONNECT,
        kind=PledgeKind.JOB,
        quantity=15,
        event=PAST_FAIR,
        deadline=90,
        description="15 postes de téléconseiller francophone ou anglophone.",
    ),
    PledgeSpec(
        ref="connect-formation",
        ice=CONNECT,
        kind=PledgeKind.TRAINING,
        quantity=20,
        deadline=45,
        description="20 places dans notre formation interne à la relation client (deux semaines).",
    ),
    PledgeSpec(
        ref="oasis-mentorat",
        ice=OASIS,
        kind=PledgeKind.MENTORING,
        quantity=8,
        event=FAIR,
        deadline=180,
        description="8 mentors parmi nos chefs de cuisine et responsables de réception, pendant "
        "six mois.",
    ),
    PledgeSpec(
        ref="souss-cofinancement",
        ice=SOUSS,
        kind=PledgeKind.CO_FUNDING,
        amount_mad=Decimal("50000.00"),
        event=FAIR,
        deadline=21,
        description="Prise en charge du transport et des repas des participants au salon.",
    ),
    PledgeSpec(
        ref="textiles-stages",
        ice=TEXTILES,
        kind=PledgeKind.INTERNSHIP,
        quantity=6,
        deadline=90,
        description="6 stages d'opérateur de confection, avec possibilité d'embauche.",
    ),
    PledgeSpec(
        ref="nord-sud-emplois",
        ice=NORD_SUD,
        kind=PledgeKind.JOB,
        quantity=4,
        event=PAST_FAIR,
        deadline=30,
        description="4 postes de préparateur de commandes et de cariste.",
    ),
)


@dataclass(frozen=True)
class DeliverySpec:
    """A delivery against a pledge, found again by its pledge and evidence."""

    pledge: str  # a PledgeSpec.ref
    quantity: int
    days_ago: int  # delivered this many days before `today`
    evidence: str
    review: DeliveryReview = DeliveryReview.UNREVIEWED


DELIVERIES = (
    DeliverySpec(
        pledge="connect-emplois",
        quantity=6,
        days_ago=8,
        evidence="Six contrats signés ; copies transmises à l'association.",
        review=DeliveryReview.CONFIRMED,
    ),
    DeliverySpec(
        pledge="atlas-emplois",
        quantity=2,
        days_ago=5,
        evidence="Deux embauches sur le chantier de Bouskoura.",
    ),
    DeliverySpec(
        pledge="connect-formation",
        quantity=12,
        days_ago=3,
        evidence="Liste de présence de la première session de formation.",
    ),
    DeliverySpec(
        pledge="nord-sud-emplois",
        quantity=1,
        days_ago=10,
        evidence="Un préparateur de commandes embauché en CDD de six mois.",
        review=DeliveryReview.CONFIRMED,
    ),
)


@dataclass(frozen=True)
class OfferSpec:
    """An offer, found again by its employer and title."""

    ice: str
    title: str
    description: str
    city: str
    contract_type: ContractType
    positions: int
    languages: tuple[str, ...]
    status: OfferStatus
    deadline: int  # days after `today`
    pledge: str | None = None  # a PledgeSpec.ref


OFFERS = (
    OfferSpec(
        ice=ATLAS,
        pledge="atlas-emplois",
        title="Ouvrier polyvalent de chantier (H/F)",
        description="Gros œuvre et finitions sur nos chantiers de Casablanca et Bouskoura. "
        "Débutants acceptés, formation à la sécurité assurée à l'embauche.",
        city="Casablanca",
        contract_type=ContractType.FIXED_TERM,
        positions=5,
        languages=("fr", "ar"),
        status=OfferStatus.PUBLISHED,
        deadline=45,
    ),
    OfferSpec(
        ice=ATLAS,
        pledge="atlas-stages",
        title="Stage d'assistant conducteur de travaux (H/F)",
        description="Trois mois aux côtés d'un conducteur de travaux : suivi des équipes, "
        "métrés, commandes de matériaux. Formation technique (BTS, DUT ou équivalent) souhaitée.",
        city="Casablanca",
        contract_type=ContractType.INTERNSHIP,
        positions=2,
        languages=("fr",),
        status=OfferStatus.PUBLISHED,
        deadline=60,
    ),
    OfferSpec(
        ice=CONNECT,
        pledge="connect-emplois",
        title="Téléconseiller francophone (H/F)",
        description="Réception d'appels pour des clients européens, formation rémunérée de deux "
        "semaines, horaires de journée. Très bon français oral exigé.",
        city="Rabat",
        contract_type=ContractType.PERMANENT,
        positions=10,
        languages=("fr",),
        status=OfferStatus.PUBLISHED,
        deadline=40,
    ),
    OfferSpec(
        ice=CONNECT,
        pledge="connect-emplois",
        title="Téléconseiller anglophone (H/F)",
        description="Service client pour des donneurs d'ordre britanniques et irlandais. Anglais "
        "courant exigé, français apprécié.",
        city="Rabat",
        contract_type=ContractType.PERMANENT,
        positions=5,
        languages=("en", "fr"),
        status=OfferStatus.PUBLISHED,
        deadline=40,
    ),
    OfferSpec(
        ice=OASIS,
        title="Commis de cuisine (H/F)",
        description="Mise en place, préparation des entrées et des desserts, hygiène de la "
        "cuisine. Logement possible pendant la saison.",
        city="Marrakech",
        contract_type=ContractType.FIXED_TERM,
        positions=3,
        languages=("fr", "ar"),
        status=OfferStatus.PUBLISHED,
        deadline=30,
    ),
    OfferSpec(
        ice=TEXTILES,
        pledge="textiles-stages",
        title="Opérateur de confection (H/F)",
        description="Couture sur machine industrielle après un mois de formation en atelier. "
        "Travail en équipe, horaires fixes.",
        city="Tanger",
        contract_type=ContractType.APPRENTICESHIP,
        positions=6,
        languages=("ar", "fr"),
        status=OfferStatus.DRAFT,
        deadline=75,
    ),
    OfferSpec(
        ice=NORD_SUD,
        pledge="nord-sud-emplois",
        title="Préparateur de commandes (H/F)",
        description="Préparation et contrôle des commandes en entrepôt, chargement des camions. "
        "Permis cariste apprécié.",
        city="Tanger",
        contract_type=ContractType.FIXED_TERM,
        positions=3,
        languages=("fr", "ar"),
        status=OfferStatus.PUBLISHED,
        deadline=35,
    ),
    OfferSpec(
        ice=NORD_SUD,
        title="Cariste (H/F)",
        description="Conduite de chariot élévateur en entrepôt. CACES ou expérience équivalente "
        "demandée.",
        city="Tanger",
        contract_type=ContractType.FIXED_TERM,
        positions=1,
        languages=("fr",),
        status=OfferStatus.DRAFT,
        deadline=50,
    ),
)

# --- Attendees ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where attendees of one nationality come from: names, languages, usual legal statuses.

    Repeating a legal status or language in a tuple makes it proportionally more likely.
    """

    country: str
    weight: int
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    languages: tuple[str, ...]
    legal_statuses: tuple[LegalStatus, ...]
    preferred_languages: tuple[str, ...]


REGULARISED = LegalStatus.REGULARISED
REFUGEE = LegalStatus.REFUGEE
ASYLUM_SEEKER = LegalStatus.ASYLUM_SEEKER
UNDISCLOSED = LegalStatus.UNDISCLOSED

ORIGINS = (
    Origin(
        country="SN",
        weight=14,
        male=("Mamadou", "Cheikh", "Ousmane", "Abdoulaye", "Moussa", "Ibrahima", "Modou", "Pape"),
        female=("Aminata", "Fatou", "Awa", "Mariama", "Khady", "Ndèye", "Astou", "Coumba"),
        surnames=("Diop", "Ndiaye", "Fall", "Sow", "Sarr", "Gueye", "Faye", "Mbaye", "Seck"),
        languages=("fr", "wo"),
        legal_statuses=(REGULARISED, REGULARISED, REGULARISED, ASYLUM_SEEKER, UNDISCLOSED),
        preferred_languages=("fr",),
    ),
    Origin(
        country="CI",
        weight=13,
        male=("Koffi", "Yao", "Kouassi", "Serge", "Arsène", "Didier", "Konan", "Ange"),
        female=("Adjoua", "Affoué", "Aya", "Mariam", "Christelle", "Prisca", "Akissi"),
        surnames=("Kouamé", "Koné", "Ouattara", "N'Guessan", "Bamba", "Kouadio", "Yéo", "Touré"),
        languages=("fr",),
        legal_statuses=(REGULARISED, REGULARISED, REGULARISED, ASYLUM_SEEKER),
        preferred_languages=("fr",),
    ),
    Origin(
        country="CM",
        weight=11,
        male=("Jean-Paul", "Emmanuel", "Patrick", "Hervé", "Blaise", "Armand", "Landry"),
        female=("Brigitte", "Nadège", "Carine", "Estelle", "Sandrine", "Larissa"),
        surnames=("Mbarga", "Fotso", "Ngono", "Essomba", "Kamga", "Talla", "Tchinda"),
        languages=("fr", "en"),
        legal_statuses=(REGULARISED, REGULARISED, ASYLUM_SEEKER, REFUGEE),
        preferred_languages=("fr", "fr", "en"),
    ),
    Origin(
        country="GN",
        weight=11,
        male=("Alpha", "Mamadou", "Thierno", "Sékou", "Oumar", "Boubacar", "Ibrahima"),
        female=("Kadiatou", "Fatoumata", "Mariama", "Aïssatou", "Hawa", "Djénabou"),
        surnames=("Barry", "Bah", "Diallo", "Camara", "Condé", "Sylla", "Soumah", "Baldé"),
        languages=("fr", "ff"),
        legal_statuses=(REGULARISED, REGULARISED, ASYLUM_SEEKER, ASYLUM_SEEKER, REFUGEE),
        preferred_languages=("fr",),
    ),
    Origin(
        country="ML",
        weight=9,
        male=("Bakary", "Seydou", "Adama", "Souleymane", "Drissa", "Modibo", "Amadou"),
        female=("Oumou", "Assitan", "Djénéba", "Rokia", "Kadidia", "Fanta"),
        surnames=("Traoré", "Keïta", "Diarra", "Konaté", "Sissoko", "Dembélé", "Maïga"),
        languages=("fr", "bm"),
        legal_statuses=(REGULARISED, REFUGEE, ASYLUM_SEEKER, ASYLUM_SEEKER),
        preferred_languages=("fr",),
    ),
    Origin(
        country="CD",
        weight=8,
        male=("Jean-Pierre", "Patrice", "Dieudonné", "Christian", "Glody", "Héritier"),
        female=("Grâce", "Merveille", "Esther", "Rachel", "Nathalie", "Divine"),
        surnames=("Mukendi", "Tshibangu", "Mbuyi", "Kalala", "Ilunga", "Kasongo", "Mwamba"),
        languages=("fr", "ln"),
        legal_statuses=(REFUGEE, REFUGEE, ASYLUM_SEEKER, REGULARISED),
        preferred_languages=("fr",),
    ),
    Origin(
        country="NG",
        weight=5,
        male=("Chinedu", "Emeka", "Tunde", "Ibrahim", "Samuel", "Femi"),
        female=("Ngozi", "Chioma", "Blessing", "Funmilayo", "Aisha", "Kemi"),
        surnames=("Okafor", "Adeyemi", "Eze", "Okonkwo", "Bello", "Olawale", "Nwosu"),
        languages=("en",),
        legal_statuses=(REGULARISED, REGULARISED, ASYLUM_SEEKER, LegalStatus.OTHER),
        preferred_languages=("en",),
    ),
    Origin(
        country="CF",
        weight=4,
        male=("Fidèle", "Aristide", "Rodrigue", "Thierry", "Prosper"),
        female=("Clarisse", "Rosine", "Prudence", "Sylvie"),
        surnames=("Ngaba", "Doko", "Zanga", "Yangongo", "Mbaïkoua", "Ndakala"),
        languages=("fr", "sg"),
        legal_statuses=(REFUGEE, REFUGEE, ASYLUM_SEEKER),
        preferred_languages=("fr",),
    ),
    Origin(
        country="TD",
        weight=4,
        male=("Mahamat", "Abakar", "Djibrine", "Hassan", "Brahim"),
        female=("Achta", "Khadidja", "Zara", "Halimé", "Fatimé"),
        surnames=("Abdelkerim", "Haroun", "Moussa", "Djimadoum", "Ngarta", "Ousmane"),
        languages=("fr", "ar"),
        legal_statuses=(REGULARISED, ASYLUM_SEEKER, REFUGEE),
        preferred_languages=("fr", "fr", "ar"),
    ),
    Origin(
        country="SY",
        weight=12,
        male=("محمد", "أحمد", "خالد", "عمر", "سامر", "ياسر", "مازن"),
        female=("فاطمة", "رنا", "هبة", "لينا", "سارة", "نور"),
        surnames=("الأحمد", "الحلبي", "الخطيب", "الشامي", "الحمصي", "العلي", "الدمشقي", "السيد"),
        languages=("ar",),
        legal_statuses=(REFUGEE, REFUGEE, REFUGEE, ASYLUM_SEEKER, REGULARISED),
        preferred_languages=("ar", "ar", "ar", "fr", "en"),
    ),
    Origin(
        country="YE",
        weight=4,
        male=("عبدالله", "علي", "صالح", "فيصل", "مراد"),
        female=("أمل", "سميرة", "بلقيس", "أسماء"),
        surnames=("الحضرمي", "الصنعاني", "اليافعي", "الشرعبي", "العبسي", "العولقي"),
        languages=("ar",),
        legal_statuses=(REFUGEE, ASYLUM_SEEKER, ASYLUM_SEEKER),
        preferred_languages=("ar", "ar", "en"),
    ),
    Origin(
        country="SD",
        weight=9,
        male=("عثمان", "الطيب", "مصطفى", "حسن", "آدم", "إبراهيم"),
        female=("مريم", "آمنة", "سلمى", "عائشة", "إخلاص"),
        surnames=("عبدالرحمن", "بابكر", "الأمين", "الفكي", "إسحاق", "النور"),
        languages=("ar", "en"),
        legal_statuses=(REFUGEE, REFUGEE, ASYLUM_SEEKER, ASYLUM_SEEKER),
        preferred_languages=("ar", "ar", "en"),
    ),
)

# How the Arabic-script names above are usually spelled in an e-mail address.
TRANSLITERATION = {
    "محمد": "mohamed",
    "أحمد": "ahmad",
    "خالد": "khaled",
    "عمر": "omar",
    "سامر": "samer",
    "ياسر": "yasser",
    "مازن": "mazen",
    "فاطمة": "fatima",
    "رنا": "rana",
    "هبة": "hiba",
    "لينا": "lina",
    "سارة": "sara",
    "نور": "nour",
    "الأحمد": "alahmad",
    "الحلبي": "alhalabi",
    "الخطيب": "alkhatib",
    "الشامي": "alshami",
    "الحمصي": "alhomsi",
    "العلي": "alali",
    "الدمشقي": "aldimashqi",
    "السيد": "alsayed",
    "عبدالله": "abdallah",
    "علي": "ali",
    "صالح": "saleh",
    "فيصل": "faisal",
    "مراد": "murad",
    "أمل": "amal",
    "سميرة": "samira",
    "بلقيس": "balqis",
    "أسماء": "asma",
    "الحضرمي": "alhadrami",
    "الصنعاني": "alsanani",
    "اليافعي": "alyafei",
    "الشرعبي": "alsharabi",
    "العبسي": "alabsi",
    "العولقي": "alawlaki",
    "عثمان": "osman",
    "الطيب": "eltayeb",
    "مصطفى": "mustafa",
    "حسن": "hassan",
    "آدم": "adam",
    "إبراهيم": "ibrahim",
    "مريم": "mariam",
    "آمنة": "amna",
    "سلمى": "salma",
    "عائشة": "aisha",
    "إخلاص": "ikhlas",
    "عبدالرحمن": "abdelrahman",
    "بابكر": "babiker",
    "الأمين": "alamin",
    "الفكي": "alfeki",
    "إسحاق": "ishaq",
    "النور": "alnour",
}

GENDERS = ((Gender.MALE, 55), (Gender.FEMALE, 43), (Gender.UNDISCLOSED, 2))
CITIES = (
    ("Casablanca", 40),
    ("Rabat", 25),
    ("Tanger", 15),
    ("Oujda", 8),
    ("Fès", 6),
    ("Marrakech", 6),
)
EDUCATION = (
    (EducationLevel.NONE, 8),
    (EducationLevel.PRIMARY, 15),
    (EducationLevel.SECONDARY, 35),
    (EducationLevel.VOCATIONAL, 20),
    (EducationLevel.HIGHER, 17),
    (EducationLevel.UNDISCLOSED, 5),
)
# Keys of server.i18n.labels.SECTORS, as the sign-up form stores them.
SECTORS = (
    "construction",
    "hospitality",
    "call_centres",
    "textile",
    "agriculture",
    "logistics",
    "digital",
    "care",
    "retail",
)
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
GATES = ("A", "B")

# --- What happened at the past job day ---------------------------------------------------------

LEAD_NOTES = (
    "",
    "",
    "Expérience en maçonnerie, disponible tout de suite.",
    "Bon niveau de français, à rappeler pour la prochaine formation.",
    "Intéressée par un poste à l'accueil.",
    "Cherche un poste de nuit.",
    "A déjà travaillé en entrepôt à Tanger.",
)

FEEDBACK_COMMENTS = (  # rating, comment
    (5, "Très bien organisé. J'ai passé deux entretiens sur place et on m'a rappelé."),
    (4, "Beaucoup d'entreprises, mais il fallait attendre longtemps devant certains stands."),
    (5, "شكرا على حسن الاستقبال، استفدت كثيرا من شباك الإرشاد القانوني."),
    (4, "Useful day. I would like more offers for people who speak English."),
    (3, "Bonne initiative, mais peu d'offres pour les personnes sans diplôme."),
    (5, "Les bénévoles m'ont aidé à refaire mon CV le jour même."),
    (4, "يوم مفيد، لكن القاعة كانت مزدحمة في الصباح."),
    (2, "Je n'ai pas trouvé d'offre dans mon domaine, l'électricité."),
    (5, "J'ai obtenu un rendez-vous pour une formation de cariste."),
    (3, "It was good, but the legal desk was closed when I arrived in the afternoon."),
    (4, ""),
    (5, ""),
)

EXHIBITOR_FEEDBACK = (  # employer at the past job day, rating, comment
    (ATLAS, 5, "Des candidats motivés : nous avons déjà embauché deux personnes."),
    (CONNECT, 4, "Bonne affluence. Prévoir un espace plus calme pour les entretiens."),
)

INTEREST_STATUSES = (
    (InterestStatus.INTERESTED, 5),
    (InterestStatus.SHORTLISTED, 2),
    (InterestStatus.INTERVIEWED, 1),
)

# --- The plan: everything random, decided before touching the database -------------------------


@dataclass
class PersonPlan:
    """An attendee to create; the dates follow from their sign-ups once those are planned."""

    phone: str
    first_name: str
    last_name: str
    email: str | None
    gender: Gender
    birth_year: int
    nationality: str
    legal_status: LegalStatus
    city: str
    languages: list[str]
    education_level: EducationLevel
    sectors: list[str]
    preferred_language: str
    shares_profile: bool
    joined_at: datetime | None = None
    last_seen_at: datetime | None = None


@dataclass(frozen=True)
class SignUp:
    """A registration to create. Confirmed or waitlisted is decided when it is admitted."""

    phone: str
    created_at: datetime
    source: RegistrationSource = RegistrationSource.ONLINE
    cancelled_at: datetime | None = None
    checked_in_at: datetime | None = None
    gate: str = ""


@dataclass(frozen=True)
class LeadPlan:
    ice: str
    phone: str
    rating: int
    note: str
    created_at: datetime


@dataclass(frozen=True)
class FeedbackPlan:
    phone: str
    rating: int
    comment: str
    created_at: datetime


@dataclass(frozen=True)
class InterestPlan:
    phone: str
    offer: OfferSpec
    status: InterestStatus
    created_at: datetime


@dataclass(frozen=True)
class DemoPlan:
    people: list[PersonPlan]
    sign_ups: dict[str, list[SignUp]]  # event key → sign-ups in the order they happened
    leads: list[LeadPlan]
    feedback: list[FeedbackPlan]
    interests: list[InterestPlan]


Schedule = dict[str, tuple[datetime, datetime]]


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=EVENT_TIMEZONE)


def _schedule(today: date) -> Schedule:
    """Start and end of every demo event, in Casablanca time."""
    return {
        spec.key: (
            _at(today + timedelta(days=spec.day), spec.starts),
            _at(today + timedelta(days=spec.day + spec.days - 1), spec.ends),
        )
        for spec in EVENTS
    }


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment between `start` and `end`, to the second."""
    return start + timedelta(seconds=int((end - start).total_seconds() * rng.random()))


def _weighted(rng: random.Random, choices: tuple[tuple[T, int], ...]) -> T:
    return rng.choices([value for value, _ in choices], [weight for _, weight in choices])[0]


def _ascii(name: str) -> str:
    """A name as it would appear in an e-mail address."""
    if name in TRANSLITERATION:
        return TRANSLITERATION[name]
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return folded.lower().replace("'", "").replace(" ", "")


def _phone(rng: random.Random, taken: set[str]) -> str:
    """A Moroccan mobile number in E.164, not yet handed out."""
    while True:
        phone = f"+212{rng.choice('67')}{rng.randrange(10**8):08d}"
        if phone not in taken:
            taken.add(phone)
            return phone


def _plan_person(rng: random.Random, taken_phones: set[str]) -> PersonPlan:
    origin = rng.choices(ORIGINS, [origin.weight for origin in ORIGINS])[0]
    gender = _weighted(rng, GENDERS)
    first_names = {Gender.MALE: origin.male, Gender.FEMALE: origin.female}.get(
        gender, origin.male + origin.female
    )
    first_name, last_name = rng.choice(first_names), rng.choice(origin.surnames)
    languages = list(origin.languages)
    # Many pick up Darija in Morocco; some speak French or English from school or travel.
    for language, chance in (("ar", 0.3), ("fr", 0.3), ("en", 0.2)):
        if language not in languages and rng.random() < chance:
            languages.append(language)
    email = None
    if rng.random() < 0.3:
        domain = rng.choice(EMAIL_DOMAINS)
        email = f"{_ascii(first_name)}.{_ascii(last_name)}{rng.randint(1, 99)}@{domain}"
    return PersonPlan(
        phone=_phone(rng, taken_phones),
        first_name=first_name,
        last_name=last_name,
        email=email,
        gender=gender,
        birth_year=round(rng.triangular(1965, 2006, 1996)),
        nationality=origin.country,
        legal_status=rng.choice(origin.legal_statuses),
        city=_weighted(rng, CITIES),
        languages=languages,
        education_level=_weighted(rng, EDUCATION),
        sectors=rng.sample(SECTORS, rng.randint(1, 3)),
        preferred_language=rng.choice(origin.preferred_languages),
        shares_profile=rng.random() < 0.6,
    )


def _pick(rng: random.Random, people: list[PersonPlan], count: int, city: str) -> list[PersonPlan]:
    """`count` people, mostly living in `city`: the others start behind in a random draw."""
    return sorted(people, key=lambda person: rng.random() + (person.city != city) * 0.6)[:count]


def _online(
    rng: random.Random,
    people: list[PersonPlan],
    window: tuple[datetime, datetime],
    cancel_rate: float,
) -> list[SignUp]:
    """Online sign-ups spread over the registration window, a few later cancelled."""
    opens, closes = window
    sign_ups = []
    for person in people:
        created_at = _between(rng, opens, closes)
        cancelled_at = _between(rng, created_at, closes) if rng.random() < cancel_rate else None
        sign_ups.append(SignUp(person.phone, created_at, cancelled_at=cancelled_at))
    return sorted(sign_ups, key=lambda sign_up: sign_up.created_at)


def _sessions(rng: random.Random, fair: list[SignUp], count: int, closes: datetime) -> list[SignUp]:
    """Sign-ups to a session inside the fair, made right after signing up to the fair."""
    sign_ups = []
    for fair_sign_up in rng.sample(fair, count):
        created_at = min(fair_sign_up.created_at + timedelta(minutes=rng.randint(1, 10)), closes)
        cancelled_at = _between(rng, created_at, closes) if rng.random() < 0.05 else None
        sign_ups.append(SignUp(fair_sign_up.phone, created_at, cancelled_at=cancelled_at))
    return sorted(sign_ups, key=lambda sign_up: sign_up.created_at)


def _show_up(
    rng: random.Random, sign_ups: list[SignUp], hours: tuple[datetime, datetime]
) -> list[SignUp]:
    """About 70% of those who did not cancel came, through one door or the other."""
    starts, ends = hours
    busy_until = starts + (ends - starts) * 0.75
    return [
        replace(sign_up, checked_in_at=_between(rng, starts, busy_until), gate=rng.choice(GATES))
        if sign_up.cancelled_at is None and rng.random() < 0.7
        else sign_up
        for sign_up in sign_ups
    ]


def _walk_ins(
    rng: random.Random,
    people: list[PersonPlan],
    registered: list[SignUp],
    count: int,
    hours: tuple[datetime, datetime],
) -> list[SignUp]:
    """People who came without registering and were signed up at the door."""
    phones = {sign_up.phone for sign_up in registered}
    starts, ends = hours
    walk_ins = []
    for person in rng.sample([p for p in people if p.phone not in phones], count):
        created_at = _between(rng, starts, ends - timedelta(hours=1))
        walk_ins.append(
            SignUp(
                person.phone,
                created_at,
                source=RegistrationSource.WALK_IN,
                checked_in_at=created_at + timedelta(minutes=2),
                gate=rng.choice(GATES),
            )
        )
    return sorted(walk_ins, key=lambda sign_up: sign_up.created_at)


def _plan_sign_ups(
    rng: random.Random, people: list[PersonPlan], schedule: Schedule, now: datetime
) -> dict[str, list[SignUp]]:
    """Who signed up for what. The workshops draw more people than they seat, so their waiting
    lists fill; the past job day was checked in, with a few walk-ins."""

    def window(key: str) -> tuple[datetime, datetime]:
        starts = schedule[key][0]
        return starts - SIGN_UP_WINDOW, min(starts, now)

    fair = _online(rng, _pick(rng, people, 210, "Casablanca"), window(FAIR), cancel_rate=0.03)
    at_fair = [sign_up for sign_up in fair if sign_up.cancelled_at is None]
    past = _online(rng, _pick(rng, people, 116, "Rabat"), window(PAST_FAIR), cancel_rate=0.04)
    return {
        FAIR: fair,
        CV_WORKSHOP: _sessions(rng, at_fair, 38, window(CV_WORKSHOP)[1]),
        INTERVIEW_WORKSHOP: _sessions(rng, at_fair, 34, window(INTERVIEW_WORKSHOP)[1]),
        RIGHTS_PANEL: _sessions(rng, at_fair, 60, window(RIGHTS_PANEL)[1]),
        RABAT_WORKSHOP: _online(
            rng, _pick(rng, people, 31, "Rabat"), window(RABAT_WORKSHOP), cancel_rate=0.05
        ),
        TANGER_SESSION: _online(
            rng, _pick(rng, people, 44, "Tanger"), window(TANGER_SESSION), cancel_rate=0.05
        ),
        TRAINING: _online(rng, _pick(rng, people, 18, "Rabat"), window(TRAINING), cancel_rate=0),
        PAST_FAIR: _show_up(rng, past, schedule[PAST_FAIR])
        + _walk_ins(rng, people, past, 8, schedule[PAST_FAIR]),
    }


def _date_people(
    rng: random.Random,
    people: list[PersonPlan],
    sign_ups: dict[str, list[SignUp]],
    now: datetime,
) -> None:
    """A person's record (and consent) dates from their first sign-up; a few never signed up."""
    moments: dict[str, list[datetime]] = {}
    for planned in sign_ups.values():
        for sign_up in planned:
            moments.setdefault(sign_up.phone, []).append(sign_up.created_at)
    for person in people:
        if person.phone in moments:
            person.joined_at = min(moments[person.phone]) - timedelta(minutes=2)
            person.last_seen_at = max(moments[person.phone])
        else:
            person.joined_at = _between(rng, now - timedelta(days=90), now)
            person.last_seen_at = person.joined_at


def _plan_past_fair(
    rng: random.Random,
    people: list[PersonPlan],
    past: list[SignUp],
    hours: tuple[datetime, datetime],
    now: datetime,
) -> tuple[list[LeadPlan], list[FeedbackPlan], list[InterestPlan]]:
    """Badges scanned at the booths, feedback afterwards, interests in the offers since."""
    sharing = {person.phone for person in people if person.shares_profile}
    came = [(s.phone, s.checked_in_at) for s in past if s.checked_in_at is not None]
    consenting = [(phone, came_at) for phone, came_at in came if phone in sharing]
    ends = hours[1]
    leads = [
        LeadPlan(
            ice, phone, rng.randint(1, 4), rng.choice(LEAD_NOTES), _between(rng, came_at, ends)
        )
        for event, ice, _ in EXHIBITORS
        if event == PAST_FAIR
        for phone, came_at in rng.sample(consenting, rng.randint(4, 7))
    ]
    feedback = [
        FeedbackPlan(phone, rating, comment, _between(rng, ends, ends + timedelta(days=3)))
        for (phone, _), (rating, comment) in zip(
            rng.sample(came, len(FEEDBACK_COMMENTS)), FEEDBACK_COMMENTS, strict=True
        )
    ]
    published = [offer for offer in OFFERS if offer.status is OfferStatus.PUBLISHED]
    interests = [
        InterestPlan(
            phone,
            rng.choice(published),
            _weighted(rng, INTEREST_STATUSES),
            _between(rng, now - OFFER_AGE, now),
        )
        for phone, _ in rng.sample(consenting, 8)
    ]
    return leads, feedback, interests


def _plan(rng: random.Random, schedule: Schedule, now: datetime) -> DemoPlan:
    phones: set[str] = set()
    people = [_plan_person(rng, phones) for _ in range(ATTENDEE_COUNT)]
    sign_ups = _plan_sign_ups(rng, people, schedule, now)
    _date_people(rng, people, sign_ups, now)
    leads, feedback, interests = _plan_past_fair(
        rng, people, sign_ups[PAST_FAIR], schedule[PAST_FAIR], now
    )
    return DemoPlan(people, sign_ups, leads, feedback, interests)


# --- Writing the plan: find by natural key, create what is missing -----------------------------


@dataclass
class Seats:
    """An event's seats and waiting list, as registrations are added in sign-up order."""

    capacity: int | None
    waitlist_enabled: bool
    confirmed: int
    last_position: int

    def admit(self) -> tuple[RegistrationStatus, int | None] | None:
        """A seat, else the next place in line, else nothing (full and no waiting list)."""
        if self.capacity is None or self.confirmed < self.capacity:
            self.confirmed += 1
            return RegistrationStatus.CONFIRMED, None
        if self.waitlist_enabled:
            self.last_position += 1
            return RegistrationStatus.WAITLISTED, self.last_position
        return None


async def _ensure_organisations() -> dict[str, Organisation]:
    organisations = {}
    for slug, name in ORGANISATIONS:
        organisations[slug], _ = await Organisation.get_or_create(
            slug=slug, defaults={"name": name}
        )
    return organisations


async def _ensure_users(password: str) -> dict[str, User]:
    """The demo logins. An existing user keeps their password."""
    users = {user.email: user for user in await User.filter(email__in=[e for e, *_ in USERS])}
    missing = [spec for spec in USERS if spec[0] not in users]
    if missing:
        password_hash = hash_password(password)  # argon2 is slow on purpose: hash once
        for email, full_name, language in missing:
            users[email] = await User.create(
                email=email,
                full_name=full_name,
                password_hash=password_hash,
                preferred_language=language,
            )
    return users


async def _ensure_memberships(
    users: dict[str, User], organisations: dict[str, Organisation]
) -> None:
    for email, slug, role in MEMBERSHIPS:
        await Membership.get_or_create(
            user=users[email], organisation=organisations[slug], defaults={"role": role}
        )


async def _ensure_events(
    organisations: dict[str, Organisation], schedule: Schedule
) -> dict[str, Event]:
    events: dict[str, Event] = {}
    for spec in EVENTS:
        starts_at, ends_at = schedule[spec.key]
        slug = f"{spec.key}-{starts_at.year}"
        event = await Event.get_or_none(slug=slug)
        if event is None:
            opens_at = starts_at - SIGN_UP_WINDOW
            event = await Event.create(
                slug=slug,
                organisation=organisations[spec.organisation],
                parent=events[spec.parent] if spec.parent else None,
                kind=spec.kind,
                status=EventStatus.PUBLISHED,
                title=spec.title,
                description=spec.description,
                practical_info=spec.practical_info,
                venue=spec.venue,
                address=spec.address,
                room=spec.room,
                city=spec.city,
                starts_at=starts_at,
                ends_at=ends_at,
                capacity=spec.capacity,
                waitlist_enabled=spec.waitlist,
                registration_opens_at=opens_at,
                registration_closes_at=starts_at,
                created_at=opens_at - timedelta(days=7),
            )
        events[spec.key] = event
    return events


async def _ensure_employers(reviewer: User, now: datetime) -> dict[str, Employer]:
    employers = {}
    for spec in EMPLOYERS:
        # The pending request is recent; the others were reviewed before the past job day.
        applied_at = now - timedelta(days=3 if spec.status is EmployerStatus.PENDING else 45)
        reviewed = spec.status is not EmployerStatus.PENDING
        employers[spec.ice], _ = await Employer.get_or_create(
            ice=spec.ice,
            defaults={
                "name": spec.name,
                "sector": spec.sector,
                "size": spec.size,
                "city": spec.city,
                "website": f"https://www.{spec.domain}",
                "description": spec.description,
                "contact_email": f"rh@{spec.domain}",
                "contact_phone": spec.phone,
                "status": spec.status,
                "rejection_reason": spec.rejection_reason,
                "reviewed_by": reviewer if reviewed else None,
                "reviewed_at": applied_at + timedelta(days=2) if reviewed else None,
                "created_at": applied_at,
            },
        )
    return employers


async def _ensure_employer_members(users: dict[str, User], employers: dict[str, Employer]) -> None:
    for email, ice, role in EMPLOYER_MEMBERS:
        await EmployerMember.get_or_create(
            employer=employers[ice], user=users[email], defaults={"role": role}
        )


async def _ensure_exhibitors(
    events: dict[str, Event], employers: dict[str, Employer]
) -> dict[tuple[str, str], Exhibitor]:
    exhibitors = {}
    for key, ice, booth in EXHIBITORS:
        exhibitors[key, ice], _ = await Exhibitor.get_or_create(
            event=events[key],
            employer=employers[ice],
            defaults={"status": ExhibitorStatus.CONFIRMED, "booth_label": booth},
        )
    return exhibitors


async def _ensure_pledges(
    employers: dict[str, Employer],
    events: dict[str, Event],
    schedule: Schedule,
    today: date,
    now: datetime,
) -> dict[str, Pledge]:
    pledges = {}
    for spec in PLEDGES:
        made_at = min(schedule[spec.event][0], now) if spec.event else now - timedelta(days=30)
        pledges[spec.ref], _ = await Pledge.get_or_create(
            employer=employers[spec.ice],
            description=spec.description,
            defaults={
                "event": events[spec.event] if spec.event else None,
                "kind": spec.kind,
                "quantity": spec.quantity,
                "amount_mad": spec.amount_mad,
                "deadline": today + timedelta(days=spec.deadline),
                "created_at": made_at,
            },
        )
    return pledges


async def _ensure_deliveries(
    pledges: dict[str, Pledge], employer_users: dict[str, User], organiser: User, today: date
) -> None:
    """Deliveries are recorded by the employer's own user when it has one, else the organiser."""
    employer_of = {spec.ref: spec.ice for spec in PLEDGES}
    for spec in DELIVERIES:
        await Delivery.get_or_create(
            pledge=pledges[spec.pledge],
            evidence=spec.evidence,
            defaults={
                "quantity": spec.quantity,
                "delivered_on": today - timedelta(days=spec.days_ago),
                "review": spec.review,
                "recorded_by": employer_users.get(employer_of[spec.pledge], organiser),
            },
        )


async def _ensure_offers(
    employers: dict[str, Employer], pledges: dict[str, Pledge], today: date, now: datetime
) -> dict[OfferSpec, Offer]:
    offers = {}
    published_at = now - OFFER_AGE
    for spec in OFFERS:
        published = spec.status is OfferStatus.PUBLISHED
        offers[spec], _ = await Offer.get_or_create(
            employer=employers[spec.ice],
            title=spec.title,
            defaults={
                "pledge": pledges[spec.pledge] if spec.pledge else None,
                "description": spec.description,
                "city": spec.city,
                "contract_type": spec.contract_type,
                "positions": spec.positions,
                "languages": list(spec.languages),
                "deadline": today + timedelta(days=spec.deadline),
                "status": spec.status,
                "created_at": published_at - timedelta(days=4),
                "published_at": published_at if published else None,
            },
        )
    return offers


async def _ensure_attendees(people: list[PersonPlan]) -> dict[str, int]:
    """Create the missing attendees; answer every planned phone number's attendee id."""
    phones = [person.phone for person in people]
    known = set(await Attendee.filter(phone__in=phones).values_list("phone", flat=True))
    await Attendee.bulk_create(
        [
            Attendee(
                phone=person.phone,
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                gender=person.gender,
                birth_year=person.birth_year,
                nationality=person.nationality,
                legal_status=person.legal_status,
                city=person.city,
                languages=person.languages,
                education_level=person.education_level,
                sectors=person.sectors,
                preferred_language=person.preferred_language,
                consent_processing_at=person.joined_at,
                consent_share_at=person.joined_at if person.shares_profile else None,
                created_at=person.joined_at,
                last_activity_at=person.last_seen_at,
            )
            for person in people
            if person.phone not in known
        ],
        batch_size=500,
    )
    return dict(await Attendee.filter(phone__in=phones).values_list("phone", "id"))


def _badge_serial(taken: set[str]) -> str:
    while (serial := new_badge_serial()) in taken:
        pass
    taken.add(serial)
    return serial


def _registration(
    event: Event, attendee_id: int, sign_up: SignUp, seats: Seats, serials: set[str]
) -> Registration | None:
    """The registration a sign-up becomes, or None when the event is full without a waitlist."""
    if sign_up.cancelled_at is not None:
        status, position = RegistrationStatus.CANCELLED, None
    elif (admitted := seats.admit()) is None:
        return None
    else:
        status, position = admitted
    came = status is RegistrationStatus.CONFIRMED and sign_up.checked_in_at is not None
    return Registration(
        event=event,
        attendee_id=attendee_id,
        status=status,
        waitlist_position=position,
        source=sign_up.source,
        badge_serial=_badge_serial(serials),
        created_at=sign_up.created_at,
        cancelled_at=sign_up.cancelled_at,
        checked_in_at=sign_up.checked_in_at if came else None,
        checked_in_gate=sign_up.gate if came else "",
    )


async def _ensure_registrations(
    sign_ups: dict[str, list[SignUp]], events: dict[str, Event], attendee_ids: dict[str, int]
) -> None:
    """Create the missing registrations, admitted in sign-up order after those already there,
    then set each event's seat and waiting-list counters to match."""
    serials = set(await Registration.all().values_list("badge_serial", flat=True))
    for key, planned in sign_ups.items():
        event = events[key]
        registered = set(
            await Registration.filter(event=event).values_list("attendee_id", flat=True)
        )
        seats = Seats(
            capacity=event.capacity,
            waitlist_enabled=event.waitlist_enabled,
            confirmed=await Registration.filter(
                event=event, status=RegistrationStatus.CONFIRMED
            ).count(),
            last_position=event.waitlist_last_position,
        )
        new = []
        for sign_up in planned:
            attendee_id = attendee_ids[sign_up.phone]
            if attendee_id not in registered:
                registration = _registration(event, attendee_id, sign_up, seats, serials)
                if registration is not None:
                    new.append(registration)
        await Registration.bulk_create(new, batch_size=500)
        counters = (seats.confirmed, seats.last_position)
        if (event.seats_taken, event.waitlist_last_position) != counters:
            event.seats_taken, event.waitlist_last_position = counters
            await event.save(update_fields=["seats_taken", "waitlist_last_position"])


async def _ensure_checkins(events: dict[str, Event], staff: User) -> None:
    """One entry scan for every checked-in registration that has none in the log."""
    for event in events.values():
        logged = set(
            await CheckIn.filter(event=event, kind=CheckInKind.ENTRY).values_list(
                "registration_id", flat=True
            )
        )
        checked_in = await Registration.filter(
            event=event, checked_in_at__not_isnull=True
        ).values_list("id", "checked_in_at", "checked_in_gate")
        await CheckIn.bulk_create(
            [
                CheckIn(
                    event=event,
                    registration_id=registration_id,
                    kind=CheckInKind.ENTRY,
                    result=CheckInResult.OK,
                    gate=gate,
                    staff=staff,
                    created_at=checked_in_at,
                )
                for registration_id, checked_in_at, gate in checked_in
                if registration_id not in logged
            ],
            batch_size=500,
        )


async def _ensure_leads(
    leads: list[LeadPlan],
    exhibitors: dict[tuple[str, str], Exhibitor],
    registration_ids: dict[str, int],
    scanners: dict[str, User],
) -> None:
    booths = {lead.ice: exhibitors[PAST_FAIR, lead.ice] for lead in leads}
    scanned = set(
        await Lead.filter(exhibitor_id__in=[booth.id for booth in booths.values()]).values_list(
            "exhibitor_id", "registration_id"
        )
    )
    await Lead.bulk_create(
        [
            Lead(
                exhibitor=booths[lead.ice],
                registration_id=registration_ids[lead.phone],
                shared_profile=True,
                note=lead.note,
                rating=lead.rating,
                scanned_by=scanners.get(lead.ice),
                created_at=lead.created_at,
            )
            for lead in leads
            if lead.phone in registration_ids
            and (booths[lead.ice].id, registration_ids[lead.phone]) not in scanned
        ]
    )


async def _ensure_feedback(
    feedback: list[FeedbackPlan],
    event: Event,
    exhibitors: dict[tuple[str, str], Exhibitor],
    registration_ids: dict[str, int],
) -> None:
    for item in feedback:
        if item.phone in registration_ids:
            await Feedback.get_or_create(
                event=event,
                registration_id=registration_ids[item.phone],
                defaults={
                    "rating": item.rating,
                    "comment": item.comment,
                    "created_at": item.created_at,
                },
            )
    for ice, rating, comment in EXHIBITOR_FEEDBACK:
        await Feedback.get_or_create(
            event=event,
            exhibitor=exhibitors[PAST_FAIR, ice],
            defaults={"rating": rating, "comment": comment},
        )


# The organisers' narrative of the past job day, published so the demo has a public report.
PAST_FAIR_NARRATIVE = {
    "context": "Troisième journée de l'emploi organisée à Rabat avec les partenaires du programme, "
    "pour rapprocher des entreprises engagées et des personnes migrantes et réfugiées en "
    "recherche d'emploi.",
    "what_happened": "Les visiteurs ont rencontré les recruteurs à leurs stands, assisté à un "
    "atelier sur le CV et à une permanence d'information juridique.",
    "highlights": "Plusieurs entretiens sur place et de nouveaux engagements de stages.",
    "recommendations": "Prévoir davantage d'offres dans la logistique et l'hôtellerie, et une "
    "interprétation en anglais à l'accueil.",
    "next_steps": "Suivi des candidatures à un mois et bilan des engagements avec chaque "
    "entreprise.",
}


async def _ensure_report(event: Event, now: datetime) -> None:
    await SynthesisReport.get_or_create(
        event=event,
        defaults={
            **PAST_FAIR_NARRATIVE,
            "language": "fr",
            "status": ReportStatus.PUBLISHED,
            "public_token": secrets.token_urlsafe(32),
            "published_at": now,
        },
    )


async def _ensure_interests(
    interests: list[InterestPlan], offers: dict[OfferSpec, Offer], attendee_ids: dict[str, int]
) -> None:
    for interest in interests:
        await Interest.get_or_create(
            attendee_id=attendee_ids[interest.phone],
            offer=offers[interest.offer],
            defaults={"status": interest.status, "created_at": interest.created_at},
        )


COUNTED: tuple[tuple[str, type[Model]], ...] = (
    ("organisations", Organisation),
    ("users", User),
    ("memberships", Membership),
    ("events", Event),
    ("employers", Employer),
    ("employer_members", EmployerMember),
    ("exhibitors", Exhibitor),
    ("pledges", Pledge),
    ("deliveries", Delivery),
    ("offers", Offer),
    ("attendees", Attendee),
    ("registrations", Registration),
    ("checkins", CheckIn),
    ("leads", Lead),
    ("interests", Interest),
    ("feedback", Feedback),
)


async def load_demo(password: str, *, today: date | None = None) -> dict[str, int]:
    """Fill the database with the demo data, creating only what is missing.

    `password` is given to the demo logins that do not exist yet (organiser@example.org,
    checkin@example.org, employer@example.org, organiser2@example.org); event dates are relative
    to `today` (default: the current date). Tortoise must be initialised. Answers how many rows of
    each kind exist afterwards.
    """
    today = today or date.today()
    now = _at(today, time(8, 0))
    schedule = _schedule(today)
    plan = _plan(random.Random(SEED), schedule, now)
    # Queries inside the block run on the transaction's connection: in_transaction() sets it as
    # the current connection for this task.
    async with in_transaction():
        organisations = await _ensure_organisations()
        users = await _ensure_users(password)
        await _ensure_memberships(users, organisations)
        events = await _ensure_events(organisations, schedule)
        employers = await _ensure_employers(users[ORGANISER], now)
        await _ensure_employer_members(users, employers)
        employer_users = {ice: users[email] for email, ice, _ in EMPLOYER_MEMBERS}
        exhibitors = await _ensure_exhibitors(events, employers)
        pledges = await _ensure_pledges(employers, events, schedule, today, now)
        await _ensure_deliveries(pledges, employer_users, users[ORGANISER], today)
        offers = await _ensure_offers(employers, pledges, today, now)
        attendee_ids = await _ensure_attendees(plan.people)
        await _ensure_registrations(plan.sign_ups, events, attendee_ids)
        await _ensure_checkins(events, users[CHECKIN_STAFF])
        past_fair = events[PAST_FAIR]
        by_attendee = dict(
            await Registration.filter(event=past_fair).values_list("attendee_id", "id")
        )
        past_registrations = {
            phone: by_attendee[attendee_id]
            for phone, attendee_id in attendee_ids.items()
            if attendee_id in by_attendee
        }
        await _ensure_leads(plan.leads, exhibitors, past_registrations, employer_users)
        await _ensure_feedback(plan.feedback, past_fair, exhibitors, past_registrations)
        await _ensure_report(past_fair, now)
        await _ensure_interests(plan.interests, offers, attendee_ids)
        return {name: await model.all().count() for name, model in COUNTED}
