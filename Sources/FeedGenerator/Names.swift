/// Word lists for generated populations: names from many locales (with accents), titles,
/// departments and locations with their time zones.
public enum Names {
    public static let first = [
        "Aaliyah", "Abdul", "Ada", "Adebayo", "Adrián", "Agnieszka", "Ahmed", "Aiko", "Aisha", "Akira", "Alejandro",
        "Aleksander", "Alice", "Amara", "Amelia", "Ana", "Anders", "Andrea", "Anil", "Anja", "Antoine", "Anwar", "Arjun",
        "Astrid", "Ayşe", "Beatriz", "Benjamin", "Bilal", "Björn", "Bongani", "Camila", "Carlos", "Catalina", "Chen",
        "Chiara", "Chidi", "Chloé", "Daniel", "Daniela", "Darius", "David", "Deepika", "Diego", "Dmitri", "Elena",
        "Elif", "Eliza", "Emeka", "Emma", "Erik", "Esperanza", "Fatima", "Felipe", "Fernanda", "Finn", "Francesca",
        "François", "Gabriel", "Grace", "Guadalupe", "Hana", "Hannah", "Hassan", "Helga", "Hiroshi", "Ibrahim", "Ines",
        "Ingrid", "Isabel", "Ivan", "Jakub", "James", "Jana", "Javier", "Jelena", "Jiho", "João", "Jonas", "José",
        "Julia", "Kaito", "Kamala", "Karim", "Katarzyna", "Kenji", "Kofi", "Lakshmi", "Laura", "Leila", "Lena", "Liam",
        "Lucas", "Lucía", "Luis", "Magnus", "Malik", "Mar", "María", "Mariam", "Mateo", "Matteo", "Mehmet", "Mei",
        "Mia", "Miguel", "Mohammed", "Nadia", "Naledi", "Nathan", "Nguyen", "Nia", "Nikolai", "Noah", "Nour", "Olga",
        "Oliver", "Olivia", "Omar", "Oscar", "Pablo", "Paolo", "Patrick", "Pedro", "Priya", "Rafael", "Rahul", "Ravi",
        "Rosa", "Ruth", "Sakura", "Samuel", "Sara", "Sebastián", "Siddharth", "Sipho", "Sofía", "Sophie", "Søren",
        "Sunita", "Tariq", "Thabo", "Thomas", "Tomás", "Valentina", "Vikram", "Wei", "Yara", "Yusuf", "Zainab", "Zoe",
    ]

    public static let last = [
        "Abara", "Adeyemi", "Ahmed", "Alvarez", "Andersen", "Anderson", "Bakker", "Banerjee", "Becker", "Bianchi",
        "Brown", "Castillo", "Chatterjee", "Chen", "Costa", "Cruz", "Da Silva", "Dubois", "Dvořák", "Eriksson",
        "Fernández", "Fischer", "Fontaine", "García", "Gonzalez", "Gupta", "Haddad", "Hansen", "Hernández", "Hoffmann",
        "Huang", "Ibrahim", "Ito", "Ivanova", "Jansen", "Jensen", "Johnson", "Kaur", "Khan", "Kim", "Kowalski",
        "Kumar", "Larsen", "Laurent", "Lee", "Li", "Lindqvist", "Liu", "López", "Mahlangu", "Martin", "Martínez",
        "Mbeki", "Mendoza", "Moreau", "Müller", "Murphy", "Nakamura", "Naidoo", "Nguyen", "Nielsen", "Novak",
        "Nowak", "Obi", "Okafor", "Okonkwo", "O'Brien", "Olsen", "Ortiz", "Papadopoulos", "Park", "Patel", "Pereira",
        "Petrov", "Popescu", "Quispe", "Ramírez", "Rao", "Reddy", "Rodríguez", "Romano", "Rossi", "Russo", "Saito",
        "Sánchez", "Santos", "Schmidt", "Schneider", "Şahin", "Silva", "Singh", "Smith", "Sokolov", "Sørensen",
        "Suzuki", "Tanaka", "Taylor", "Torres", "Tran", "Van der Berg", "Vargas", "Wagner", "Wang", "Watanabe",
        "Weber", "Williams", "Wilson", "Wong", "Yamamoto", "Yilmaz", "Zhang", "Zhao", "Zimmermann", "Żukowski",
    ]

    public static let titles = [
        "Account Executive", "Accountant", "Associate Product Manager", "Benefits Specialist", "Business Analyst",
        "Chief of Staff", "Clinical Trainer", "Cloud Engineer", "Compliance Officer", "Content Designer",
        "Customer Success Manager", "Data Analyst", "Data Engineer", "Data Scientist", "Director of Engineering",
        "Engineering Manager", "Facilities Coordinator", "Financial Analyst", "Frontend Engineer", "HR Business Partner",
        "Help Desk Technician", "Inside Sales Representative", "IT Support Specialist", "Learning Designer",
        "Legal Counsel", "Logistics Coordinator", "Marketing Manager", "Network Administrator", "Office Manager",
        "Operations Manager", "Payroll Specialist", "Principal Engineer", "Product Designer", "Product Manager",
        "Program Manager", "QA Engineer", "Recruiter", "Regional Sales Manager", "Research Scientist",
        "Security Analyst", "Senior Accountant", "Senior Data Analyst", "Senior Software Engineer", "Site Reliability Engineer",
        "Software Engineer", "Staff Engineer", "Store Manager", "Supply Chain Analyst", "Talent Acquisition Lead",
        "Technical Writer", "UX Researcher", "VP of Sales", "Warehouse Associate", "Warehouse Shift Lead",
    ]

    public static let departments: [(code: String, name: String)] = [
        ("ENG-100", "Engineering"), ("ENG-110", "Platform Engineering"), ("ENG-120", "Mobile Engineering"),
        ("IT-200", "Information Technology"), ("SEC-210", "Information Security"), ("FIN-300", "Finance"),
        ("FIN-310", "Accounting"), ("FIN-320", "Payroll"), ("HR-400", "People Operations"), ("HR-410", "Talent Acquisition"),
        ("HR-420", "Learning and Development"), ("LGL-500", "Legal"), ("CMP-510", "Compliance"), ("MKT-600", "Marketing"),
        ("MKT-610", "Brand and Content"), ("SLS-700", "Sales"), ("SLS-710", "Inside Sales"), ("SLS-720", "Sales Operations"),
        ("CS-800", "Customer Success"), ("CS-810", "Customer Support"), ("OPS-900", "Operations"), ("OPS-910", "Facilities"),
        ("OPS-920", "Logistics"), ("OPS-930", "Warehouse"), ("PRD-1000", "Product Management"), ("DES-1010", "Design"),
        ("RES-1100", "Research"), ("DAT-1200", "Data and Analytics"), ("EXE-1300", "Executive Office"),
        ("RET-1400", "Retail Stores"),
    ]

    public static let locations: [(code: String, zone: String)] = [
        ("LON", "Europe/London"), ("NYC", "America/New_York"), ("SFO", "America/Los_Angeles"), ("LAX", "America/Los_Angeles"),
        ("CHI", "America/Chicago"), ("AUS", "America/Chicago"), ("TOR", "America/Toronto"), ("MEX", "America/Mexico_City"),
        ("SAO", "America/Sao_Paulo"), ("DUB", "Europe/Dublin"), ("PAR", "Europe/Paris"), ("BER", "Europe/Berlin"),
        ("MAD", "Europe/Madrid"), ("MIL", "Europe/Rome"), ("WAW", "Europe/Warsaw"), ("STO", "Europe/Stockholm"),
        ("IST", "Europe/Istanbul"), ("DXB", "Asia/Dubai"), ("BLR", "Asia/Kolkata"), ("SIN", "Asia/Singapore"),
        ("HKG", "Asia/Hong_Kong"), ("TYO", "Asia/Tokyo"), ("SEL", "Asia/Seoul"), ("SYD", "Australia/Sydney"),
        ("MEL", "Australia/Melbourne"), ("AKL", "Pacific/Auckland"), ("JNB", "Africa/Johannesburg"), ("LOS", "Africa/Lagos"),
    ]

    public static let employmentTypes = ["full_time", "part_time", "contractor", "intern", "temporary"]
    public static let statuses = ["active", "on_leave", "terminated", "pending"]

    /// Names written in non-Latin scripts, with the romanised form used for email addresses.
    public static let nonLatin: [(first: String, last: String, romanFirst: String, romanLast: String)] = [
        ("太郎", "山田", "taro", "yamada"), ("花子", "佐藤", "hanako", "sato"), ("伟", "王", "wei", "wang"), ("秀英", "李", "xiuying", "li"),
        ("민준", "김", "minjun", "kim"), ("서연", "이", "seoyeon", "lee"), ("محمد", "العلي", "mohammed", "alali"),
        ("فاطمة", "الزهراء", "fatima", "alzahra"), ("Иван", "Петров", "ivan", "petrov"), ("Анна", "Смирнова", "anna", "smirnova"),
        ("Γιώργος", "Παπαδόπουλος", "giorgos", "papadopoulos"), ("अनिल", "शर्मा", "anil", "sharma"), ("प्रिया", "पटेल", "priya", "patel"),
        ("יעל", "כהן", "yael", "cohen"), ("สมชาย", "ใจดี", "somchai", "jaidee"), ("Олена", "Шевченко", "olena", "shevchenko"),
    ]
}
