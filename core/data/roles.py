"""The target-role profile: who counts as a match, and who is a deliberate near miss.

This module is data, not logic. The generator and the starter corpus both plan their resumes from it, and the
zero-shot baseline reads its description. A profile has three groups of roles:

- ``positives``: the sub-roles that make a candidate a match (label ``devops``);
- ``hard_negatives``: adjacent tech roles that share vocabulary with the positives (label ``other``);
- ``other_fields``: every other field (label ``other``), the easy negatives.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RoleSpec:
    """One role a synthetic resume can be written for."""

    name: str
    titles: tuple[str, ...]
    skills: tuple[str, ...]
    hard_negative: bool = False


@dataclass(frozen=True)
class StyleSpec:
    """A way resumes are written: regional conventions and layout habits."""

    name: str
    description: str


@dataclass(frozen=True)
class RoleProfile:
    """Everything a plan needs to know about the target role."""

    key: str
    title: str
    positive_label: str
    description: str
    positives: tuple[RoleSpec, ...]
    hard_negatives: tuple[RoleSpec, ...]
    other_fields: tuple[RoleSpec, ...]
    styles: tuple[StyleSpec, ...] = field(default_factory=tuple)

    def role(self, name: str) -> RoleSpec:
        """The role called ``name`` in any group."""
        for spec in (*self.positives, *self.hard_negatives, *self.other_fields):
            if spec.name == name:
                return spec
        raise KeyError(name)


STYLES: tuple[StyleSpec, ...] = (
    StyleSpec(
        "us_resume",
        "US resume: name and contact line, short summary, reverse-chronological experience with achievement "
        "bullets and numbers, skills list, education at the end; no photo, no date of birth.",
    ),
    StyleSpec(
        "european_cv",
        "European CV: 'Curriculum Vitae' heading, personal details (nationality, languages with CEFR levels), "
        "profile paragraph, work experience with month/year ranges, education with degrees like MSc or Diplom, "
        "sometimes 'References available on request'.",
    ),
    StyleSpec(
        "indian_cv",
        "Indian-style CV: career objective, 'Skill Details' with each skill and its experience in months, "
        "company details with project names, roles and responsibilities, personal details and a declaration.",
    ),
    StyleSpec(
        "terse_bullets",
        "Terse bullet list: almost no sentences, just headings and short bullets, tool names and dates, "
        "abbreviations, inconsistent punctuation.",
    ),
    StyleSpec(
        "narrative_prose",
        "Narrative prose: first-person paragraphs telling the career story, few or no bullets, like a long "
        "LinkedIn 'About' section followed by short role descriptions.",
    ),
    StyleSpec(
        "skills_first",
        "Skills-first (functional) resume: a long grouped skills/competencies block first, then a brief "
        "employment history with little detail, certifications listed prominently.",
    ),
)


DEVOPS = RoleProfile(
    key="devops",
    title="Senior DevOps Engineer",
    positive_label="devops",
    description=(
        "Senior DevOps Engineer: builds and runs the delivery pipeline and production infrastructure. Automates "
        "infrastructure as code with Terraform, Ansible or CloudFormation; operates Kubernetes and containers "
        "(Docker, Helm); designs CI/CD pipelines (Jenkins, GitLab CI, GitHub Actions, Argo CD); runs cloud "
        "platforms on AWS, Azure or GCP; owns monitoring, logging and alerting (Prometheus, Grafana, ELK), "
        "on-call, incident response, SLOs and reliability; scripts in Bash, Python or Go; hardens and secures "
        "pipelines and clusters. Titles include DevOps engineer, site reliability engineer, platform engineer, "
        "cloud infrastructure engineer, build and release engineer and DevSecOps engineer."
    ),
    positives=(
        RoleSpec(
            "devops_engineer",
            (
                "DevOps Engineer",
                "Senior DevOps Engineer",
                "DevOps Lead",
                "DevOps Consultant",
                "Automation Engineer",
            ),
            (
                "CI/CD",
                "Jenkins",
                "GitLab CI",
                "Docker",
                "Kubernetes",
                "Terraform",
                "Ansible",
                "AWS",
                "Bash",
                "Python",
                "Prometheus",
                "Grafana",
            ),
        ),
        RoleSpec(
            "site_reliability_engineer",
            ("Site Reliability Engineer", "SRE", "Production Engineer", "Reliability Engineer", "Staff SRE"),
            (
                "SLOs",
                "error budgets",
                "on-call",
                "incident response",
                "postmortems",
                "Prometheus",
                "Kubernetes",
                "Go",
                "capacity planning",
                "chaos engineering",
                "observability",
            ),
        ),
        RoleSpec(
            "platform_engineer",
            (
                "Platform Engineer",
                "Infrastructure Engineer",
                "Internal Developer Platform Engineer",
                "Senior Platform Engineer",
            ),
            (
                "Kubernetes",
                "Backstage",
                "Terraform",
                "Crossplane",
                "Argo CD",
                "service mesh",
                "Helm",
                "golden paths",
                "developer experience",
                "GitOps",
            ),
        ),
        RoleSpec(
            "cloud_infrastructure_engineer",
            (
                "Cloud Engineer",
                "Cloud Infrastructure Engineer",
                "Cloud Operations Engineer",
                "AWS Engineer",
                "Azure Infrastructure Engineer",
                "Systems Engineer, Cloud Platform",
            ),
            (
                "AWS",
                "Azure",
                "GCP",
                "Terraform",
                "CloudFormation",
                "VPC networking",
                "IAM",
                "autoscaling",
                "cost optimisation",
                "landing zones",
                "Packer",
            ),
        ),
        RoleSpec(
            "build_release_engineer",
            (
                "Build and Release Engineer",
                "Release Engineer",
                "CI/CD Engineer",
                "Build Engineer",
                "Software Configuration Management Engineer",
            ),
            (
                "Jenkins",
                "Maven",
                "Gradle",
                "Artifactory",
                "Nexus",
                "Git branching",
                "release automation",
                "Bazel",
                "GitHub Actions",
                "blue-green deployments",
            ),
        ),
        RoleSpec(
            "devsecops_engineer",
            (
                "DevSecOps Engineer",
                "Cloud Security Engineer (DevSecOps)",
                "Security Automation Engineer",
                "Infrastructure Security Engineer",
            ),
            (
                "SAST/DAST in pipelines",
                "Trivy",
                "Vault",
                "OPA",
                "policy as code",
                "Kubernetes security",
                "SBOM",
                "supply-chain security",
                "Terraform",
                "AWS security hub",
            ),
        ),
        RoleSpec(
            "kubernetes_engineer",
            (
                "Kubernetes Engineer",
                "Container Platform Engineer",
                "Kubernetes Administrator",
                "OpenShift Engineer",
            ),
            (
                "Kubernetes",
                "OpenShift",
                "EKS",
                "AKS",
                "GKE",
                "Helm",
                "operators",
                "Istio",
                "etcd",
                "cluster upgrades",
                "CKA",
            ),
        ),
    ),
    hard_negatives=(
        RoleSpec(
            "backend_developer",
            ("Backend Developer", "Java Developer", "Python Developer", "Software Engineer, Backend"),
            ("Java", "Spring Boot", "REST APIs", "PostgreSQL", "microservices", "Docker", "unit tests"),
            hard_negative=True,
        ),
        RoleSpec(
            "frontend_developer",
            ("Frontend Developer", "React Developer", "UI Engineer"),
            ("React", "TypeScript", "CSS", "Next.js", "accessibility", "Webpack", "Jest"),
            hard_negative=True,
        ),
        RoleSpec(
            "fullstack_developer",
            ("Full Stack Developer", "Software Engineer", "Web Developer"),
            ("Node.js", "React", "MongoDB", "Express", "REST", "Git", "Heroku"),
            hard_negative=True,
        ),
        RoleSpec(
            "mobile_developer",
            ("iOS Developer", "Android Developer", "Mobile Engineer"),
            ("Swift", "Kotlin", "Flutter", "React Native", "App Store releases", "Firebase"),
            hard_negative=True,
        ),
        RoleSpec(
            "data_engineer",
            ("Data Engineer", "ETL Developer", "Big Data Engineer"),
            ("Spark", "Airflow", "Kafka", "SQL", "Snowflake", "dbt", "data pipelines"),
            hard_negative=True,
        ),
        RoleSpec(
            "data_scientist",
            ("Data Scientist", "Machine Learning Engineer", "Data Analyst"),
            ("Python", "pandas", "scikit-learn", "statistics", "A/B tests", "SQL", "TensorFlow"),
            hard_negative=True,
        ),
        RoleSpec(
            "qa_automation_engineer",
            ("QA Automation Engineer", "SDET", "Test Engineer"),
            ("Selenium", "Cypress", "test plans", "regression suites", "Postman", "JIRA"),
            hard_negative=True,
        ),
        RoleSpec(
            "system_administrator",
            ("System Administrator", "Windows Server Administrator", "Linux Administrator"),
            ("Active Directory", "Windows Server", "VMware", "backups", "patching", "Exchange"),
            hard_negative=True,
        ),
        RoleSpec(
            "network_administrator",
            ("Network Administrator", "Network Engineer", "NOC Engineer"),
            ("Cisco", "routing and switching", "firewalls", "VPN", "CCNA", "BGP", "Wi-Fi surveys"),
            hard_negative=True,
        ),
        RoleSpec(
            "database_administrator",
            ("Database Administrator", "Oracle DBA", "SQL Server DBA"),
            ("Oracle", "SQL Server", "backup and recovery", "query tuning", "replication", "RMAN"),
            hard_negative=True,
        ),
        RoleSpec(
            "security_analyst",
            ("Security Analyst", "SOC Analyst", "Information Security Officer"),
            ("SIEM", "Splunk", "incident triage", "vulnerability scans", "ISO 27001", "phishing"),
            hard_negative=True,
        ),
        RoleSpec(
            "it_support",
            ("IT Support Specialist", "Help Desk Technician", "Desktop Support Engineer"),
            ("ticketing", "Windows 10/11", "Office 365", "hardware repair", "user onboarding", "ITIL"),
            hard_negative=True,
        ),
        RoleSpec(
            "it_project_manager",
            ("IT Project Manager", "Scrum Master", "Technical Program Manager"),
            ("Agile", "Scrum", "stakeholder management", "budgets", "JIRA", "PMP", "risk registers"),
            hard_negative=True,
        ),
        RoleSpec(
            "technical_recruiter",
            ("Technical Recruiter", "IT Recruiter", "Talent Acquisition Partner"),
            ("sourcing", "LinkedIn Recruiter", "ATS", "screening engineers", "offer negotiation"),
            hard_negative=True,
        ),
    ),
    other_fields=(
        RoleSpec(
            "accountant",
            ("Accountant", "Senior Accountant", "Chartered Accountant"),
            ("IFRS", "GAAP", "month-end close", "SAP FI", "audits", "tax returns"),
        ),
        RoleSpec(
            "registered_nurse",
            ("Registered Nurse", "Staff Nurse", "ICU Nurse"),
            ("patient care", "medication administration", "triage", "EHR charting", "BLS"),
        ),
        RoleSpec(
            "teacher",
            ("Teacher", "Mathematics Teacher", "Primary School Teacher"),
            ("lesson planning", "classroom management", "curriculum", "assessment"),
        ),
        RoleSpec(
            "sales_representative",
            ("Sales Representative", "Account Executive", "Sales Manager"),
            ("quota attainment", "CRM", "prospecting", "negotiation", "Salesforce"),
        ),
        RoleSpec(
            "marketing_manager",
            ("Marketing Manager", "Digital Marketing Specialist", "Brand Manager"),
            ("campaigns", "SEO", "Google Ads", "content strategy", "market research"),
        ),
        RoleSpec(
            "hr_generalist",
            ("HR Generalist", "HR Business Partner", "Payroll Specialist"),
            ("employee relations", "payroll", "onboarding", "labour law", "HRIS"),
        ),
        RoleSpec(
            "civil_engineer",
            ("Civil Engineer", "Site Engineer", "Structural Engineer"),
            ("AutoCAD", "site supervision", "concrete design", "surveying", "Eurocodes"),
        ),
        RoleSpec(
            "mechanical_engineer",
            ("Mechanical Engineer", "Design Engineer", "Maintenance Engineer"),
            ("SolidWorks", "CAD", "FEA", "preventive maintenance", "lean manufacturing"),
        ),
        RoleSpec(
            "graphic_designer",
            ("Graphic Designer", "Visual Designer", "Art Director"),
            ("Adobe Illustrator", "Photoshop", "branding", "typography", "print layouts"),
        ),
        RoleSpec(
            "paralegal",
            ("Paralegal", "Legal Assistant", "Corporate Lawyer"),
            ("contract review", "legal research", "case files", "due diligence"),
        ),
        RoleSpec(
            "chef",
            ("Chef de Partie", "Sous Chef", "Head Chef"),
            ("menu planning", "food cost", "HACCP", "kitchen brigade"),
        ),
        RoleSpec(
            "logistics_coordinator",
            ("Logistics Coordinator", "Supply Chain Analyst", "Warehouse Manager"),
            ("inventory", "freight", "SAP MM", "route planning", "forecasting"),
        ),
        RoleSpec(
            "retail_store_manager",
            ("Store Manager", "Retail Supervisor", "Assistant Store Manager"),
            ("merchandising", "staff scheduling", "loss prevention", "sales targets"),
        ),
        RoleSpec(
            "customer_service",
            ("Customer Service Representative", "Call Centre Agent", "Customer Success Manager"),
            ("call handling", "complaint resolution", "CSAT", "Zendesk"),
        ),
        RoleSpec(
            "financial_analyst",
            ("Financial Analyst", "FP&A Analyst", "Investment Analyst"),
            ("financial modelling", "Excel", "budgeting", "variance analysis", "valuation"),
        ),
        RoleSpec(
            "pharmacist",
            ("Pharmacist", "Clinical Pharmacist", "Pharmacy Technician"),
            ("dispensing", "drug interactions", "patient counselling", "inventory"),
        ),
        RoleSpec(
            "architect",
            ("Architect", "Architectural Designer", "Project Architect"),
            ("Revit", "building codes", "design development", "planning applications"),
        ),
        RoleSpec(
            "journalist",
            ("Journalist", "Reporter", "Copy Editor"),
            ("news writing", "interviews", "fact-checking", "CMS", "deadlines"),
        ),
        RoleSpec(
            "electrician",
            ("Electrician", "Electrical Technician", "Maintenance Electrician"),
            ("wiring", "PLC troubleshooting", "NEC", "panel installation", "safety"),
        ),
        RoleSpec(
            "administrative_assistant",
            ("Administrative Assistant", "Office Manager", "Executive Assistant"),
            ("calendar management", "MS Office", "travel booking", "filing"),
        ),
        RoleSpec(
            "bank_teller",
            ("Bank Teller", "Relationship Manager", "Loan Officer"),
            ("cash handling", "KYC", "credit analysis", "customer accounts"),
        ),
        RoleSpec(
            "real_estate_agent",
            ("Real Estate Agent", "Property Manager", "Leasing Consultant"),
            ("listings", "viewings", "tenancy agreements", "valuations"),
        ),
        RoleSpec(
            "social_worker",
            ("Social Worker", "Case Manager", "Youth Worker"),
            ("case management", "safeguarding", "care plans", "advocacy"),
        ),
        RoleSpec(
            "automotive_technician",
            ("Automotive Technician", "Diesel Mechanic", "Service Advisor"),
            ("diagnostics", "engine repair", "brakes", "OBD-II"),
        ),
        RoleSpec(
            "fitness_trainer",
            ("Personal Trainer", "Fitness Instructor", "Physiotherapist"),
            ("training plans", "rehabilitation", "nutrition", "group classes"),
        ),
        RoleSpec(
            "event_planner",
            ("Event Planner", "Event Coordinator", "Wedding Planner"),
            ("vendor management", "budgets", "venues", "logistics"),
        ),
        RoleSpec(
            "agronomist",
            ("Agronomist", "Farm Manager", "Agricultural Technician"),
            ("crop planning", "soil testing", "irrigation", "pest control"),
        ),
        RoleSpec(
            "translator",
            ("Translator", "Interpreter", "Localisation Specialist"),
            ("translation", "CAT tools", "terminology", "proofreading"),
        ),
    ),
    styles=STYLES,
)

JAVA_BACKEND = RoleProfile(
    key="senior-java-backend",
    title="Senior Java Backend Engineer",
    positive_label="java-backend",
    description=(
        "Senior Java backend engineer: designs, builds and runs server-side services on the JVM. Writes modern "
        "Java (11-21) with Spring Boot, Spring Framework or Jakarta EE; persists data with JPA/Hibernate, JDBC and "
        "SQL databases (PostgreSQL, Oracle, MySQL); builds REST and gRPC APIs and event-driven services with "
        "messaging (Kafka, RabbitMQ, JMS); tests with JUnit and Mockito; builds with Maven or Gradle; tunes JVM "
        "performance, concurrency and garbage collection; owns services in production. At least 5 years of "
        "backend experience. Titles include Java developer, backend engineer, Spring Boot developer, JVM "
        "engineer, integration developer and Java tech lead."
    ),
    positives=(
        RoleSpec(
            "java_backend_engineer",
            ("Java Developer", "Senior Java Developer", "Java Backend Engineer", "Software Engineer (Java)"),
            (
                "Java 17",
                "Spring Boot",
                "Hibernate",
                "JPA",
                "REST APIs",
                "PostgreSQL",
                "Maven",
                "JUnit",
                "Kafka",
            ),
        ),
        RoleSpec(
            "spring_microservices_developer",
            (
                "Spring Boot Developer",
                "Microservices Engineer",
                "Senior Backend Developer",
                "Backend Engineer",
            ),
            (
                "Spring Cloud",
                "microservices",
                "Kafka",
                "RabbitMQ",
                "OpenAPI",
                "Redis",
                "Resilience4j",
                "Docker",
            ),
        ),
        RoleSpec(
            "jvm_performance_engineer",
            (
                "JVM Engineer",
                "Backend Performance Engineer",
                "Senior Software Engineer",
                "Core Platform Engineer",
            ),
            (
                "JVM tuning",
                "garbage collection",
                "concurrency",
                "Netty",
                "JMH",
                "profiling",
                "Kotlin",
                "Java 21",
            ),
        ),
        RoleSpec(
            "java_integration_developer",
            ("Java EE Developer", "Integration Developer", "Middleware Engineer", "Jakarta EE Developer"),
            ("Jakarta EE", "Apache Camel", "JMS", "IBM MQ", "WebLogic", "SOAP", "Oracle SQL", "EJB"),
        ),
        RoleSpec(
            "java_tech_lead",
            ("Java Tech Lead", "Lead Backend Engineer", "Principal Software Engineer", "Engineering Lead"),
            (
                "system design",
                "Spring",
                "event-driven architecture",
                "domain-driven design",
                "code review",
                "SQL",
            ),
        ),
        RoleSpec(
            "payments_backend_engineer",
            (
                "Software Engineer, Payments",
                "Backend Developer (Fintech)",
                "Senior Java Engineer",
                "Core Banking Developer",
            ),
            ("Java", "Spring Boot", "transactions", "Oracle", "Kafka", "idempotency", "ISO 20022", "gRPC"),
        ),
    ),
    hard_negatives=(
        RoleSpec(
            "dotnet_developer",
            (".NET Developer", "C# Developer", "Senior .NET Engineer"),
            ("C#", "ASP.NET Core", "Entity Framework", "Azure", "SQL Server", "LINQ", "Blazor"),
            hard_negative=True,
        ),
        RoleSpec(
            "python_backend_developer",
            ("Python Developer", "Django Developer", "Backend Engineer (Python)"),
            ("Python", "Django", "FastAPI", "Celery", "PostgreSQL", "pytest", "SQLAlchemy"),
            hard_negative=True,
        ),
        RoleSpec(
            "go_developer",
            ("Go Developer", "Golang Engineer", "Backend Engineer (Go)"),
            ("Go", "goroutines", "gRPC", "Kubernetes operators", "PostgreSQL", "Prometheus"),
            hard_negative=True,
        ),
        RoleSpec(
            "nodejs_developer",
            ("Node.js Developer", "JavaScript Backend Developer", "TypeScript Engineer"),
            ("Node.js", "TypeScript", "Express", "NestJS", "MongoDB", "GraphQL", "Jest"),
            hard_negative=True,
        ),
        RoleSpec(
            "frontend_developer",
            ("Frontend Developer", "React Developer", "UI Engineer"),
            ("React", "TypeScript", "Redux", "CSS", "Next.js", "accessibility", "Webpack"),
            hard_negative=True,
        ),
        RoleSpec(
            "sql_bi_developer",
            ("SQL Developer", "ETL Developer", "BI Developer"),
            ("T-SQL", "SSIS", "Informatica", "Power BI", "data warehousing", "stored procedures", "Tableau"),
            hard_negative=True,
        ),
        RoleSpec(
            "sap_abap_developer",
            ("SAP ABAP Developer", "SAP Technical Consultant", "ABAP Developer"),
            ("ABAP", "SAP S/4HANA", "BAPI", "SmartForms", "Fiori", "OData", "IDocs"),
            hard_negative=True,
        ),
        RoleSpec(
            "qa_automation_engineer",
            ("QA Automation Engineer", "SDET", "Test Automation Engineer"),
            (
                "Selenium",
                "test automation",
                "Cucumber",
                "REST Assured",
                "test plans",
                "Jira",
                "regression testing",
            ),
            hard_negative=True,
        ),
        RoleSpec(
            "devops_engineer",
            ("DevOps Engineer", "Site Reliability Engineer", "Platform Engineer"),
            ("Kubernetes", "Terraform", "CI/CD", "AWS", "Ansible", "Prometheus", "Bash"),
            hard_negative=True,
        ),
        RoleSpec(
            "mobile_developer",
            ("Android Developer", "iOS Developer", "Mobile Engineer"),
            ("Kotlin", "Swift", "Android SDK", "Jetpack Compose", "SwiftUI", "Flutter", "app store releases"),
            hard_negative=True,
        ),
    ),
    other_fields=DEVOPS.other_fields,
    styles=STYLES,
)

PROFILES: dict[str, RoleProfile] = {DEVOPS.key: DEVOPS, JAVA_BACKEND.key: JAVA_BACKEND}


def get_profile(key: str = "devops") -> RoleProfile:
    """The role profile called ``key``."""
    try:
        return PROFILES[key]
    except KeyError:
        from core.errors import ConfigError

        raise ConfigError(f"Unknown role profile {key!r}; known: {', '.join(PROFILES)}") from None
