"""Handwritten texts for the fit checks: resumes of other roles (stuffing bases) and thin texts. Data, not code.

Names, companies and contacts are invented.
"""

from __future__ import annotations

# Real-looking resumes of other roles: the "other" class of the stuffing checks, from adjacent tech roles to
# other fields.
OTHER_RESUMES: dict[str, str] = {
    "nurse": """Bernadette Okoro
Registered Nurse · Leeds · bernadette.okoro@mailbox.example · 07700 900 412

PROFILE
Registered nurse with ten years on acute medical and cardiology wards. Calm under pressure, careful with
medication safety, and happiest when patients and families understand what happens next.

EXPERIENCE
Senior Staff Nurse — Leeds General Hospital, Cardiology Ward | Mar 2019 – Present
• Lead a team of six nurses and four healthcare assistants on a 28-bed ward.
• Assess and monitor post-procedure patients after angiography and pacemaker insertion.
• Introduced a discharge checklist that cut readmissions within 30 days by 12%.
• Mentor student nurses and newly qualified staff through their preceptorship.

Staff Nurse — St James's University Hospital, Acute Medical Unit | Sep 2014 – Feb 2019
• Admitted and triaged up to 12 patients a shift; escalated deteriorating patients using NEWS2.
• Administered IV medication and blood transfusions; kept accurate records in the electronic patient record.
• Took part in audits of falls prevention and hand hygiene.

EDUCATION
BSc (Hons) Adult Nursing, University of Leeds, 2014

SKILLS
Patient assessment, medication administration, IV therapy, wound care, ECG interpretation, discharge planning,
mentoring, infection control
""",
    "accountant": """Rafael Montoya
Senior Accountant | Madrid | rafael.montoya@mailbox.example | +34 622 118 340

SUMMARY
Chartered accountant with nine years in group reporting and month-end close for manufacturing companies.
Comfortable with IFRS, consolidations and explaining numbers to people who do not read balance sheets.

PROFESSIONAL EXPERIENCE
Senior Accountant, Hierros del Tajo S.A., Madrid — 01/2020 – present
- Own the month-end close for four subsidiaries; close shortened from ten to six working days.
- Prepare IFRS consolidated statements and the notes for the annual report.
- Coordinate the external audit and answer auditors' queries.
- Built Excel and Power BI reports for cash flow forecasting.

Accountant, Envases Castilla S.L., Valladolid — 06/2015 – 12/2019
- Accounts payable and receivable, bank reconciliations and VAT returns.
- Fixed asset register and depreciation schedules in SAP FI.
- Supported the migration from a legacy ledger to SAP.

EDUCATION
Grado en Administración y Dirección de Empresas, Universidad Complutense de Madrid, 2015
ACCA qualification, 2018

SKILLS
IFRS, consolidation, month-end close, SAP FI, Excel, Power BI, VAT, audit support
""",
    "java_backend": """Karthik Subramanian
Senior Java Developer · Bengaluru · karthik.s@mailbox.example · +91 98450 22671

SUMMARY
Backend developer with eight years building Java and Spring Boot services for retail banking. I like clean
APIs, well-tested code and databases that do not surprise anyone.

EXPERIENCE
Senior Java Developer — Cauvery Bank Technologies, Bengaluru | Apr 2020 – Present
• Design and build Spring Boot microservices for loan origination, exposed through REST APIs.
• Model data in PostgreSQL with JPA and Hibernate; tuned queries that cut p95 latency by 40%.
• Kafka consumers for payment events with idempotent processing.
• Code reviews and mentoring for four developers; unit and integration tests with JUnit and Testcontainers.

Java Developer — Nilgiri Software Services, Chennai | Jul 2016 – Mar 2020
• Built SOAP and REST web services for an insurance claims system in Java 8 and Spring.
• Wrote stored procedures in Oracle and batch jobs with Spring Batch.
• Packaged services with Maven; deployments were done by the operations team.

EDUCATION
B.E. Computer Science, PSG College of Technology, 2016

SKILLS
Java, Spring Boot, Spring Data JPA, Hibernate, PostgreSQL, Oracle, Kafka, REST, JUnit, Maven, Git
""",
    "data_engineer": """Nora Albrecht
Data Engineer | Berlin | nora.albrecht@mailbox.example

PROFILE
Data engineer who builds batch and streaming pipelines for analytics and machine learning teams. Strong in SQL,
Python and Spark; careful about data quality and documentation.

WORK EXPERIENCE
03/2021 – present
Senior Data Engineer
Spree Mobility GmbH, Berlin
- Built Airflow pipelines that load 2 TB a day from Kafka and PostgreSQL into Snowflake.
- Designed dbt models for trips, payments and driver earnings, with tests and documentation.
- Introduced data quality checks with Great Expectations; broken dashboards fell by two thirds.

09/2017 – 02/2021
Data Engineer
Havel Analytics, Potsdam
- Wrote PySpark jobs on Databricks for marketing attribution.
- Maintained the data warehouse schema and the reporting layer used by 40 analysts.

EDUCATION
2015 – 2017
M.Sc. Data Science, Technische Universität Berlin

SKILLS
Python, SQL, Spark, Airflow, dbt, Snowflake, Kafka, Databricks, PostgreSQL, data modelling
""",
    "frontend": """Lucas Moreau
Frontend Developer — Nantes — lucas.moreau@mailbox.example — +33 6 55 10 28 47

About
Frontend developer who builds accessible, fast web applications with React and TypeScript, and works closely
with designers to get the details right.

Experience
Senior Frontend Developer, Loire Voyages, Nantes (Jan 2021 – present)
- Rebuilt the booking funnel in React and Next.js; conversion rose by 9%.
- Set up a component library in Storybook with accessibility checks.
- Performance budget and Lighthouse checks in review; largest contentful paint under 2 seconds.

Frontend Developer, Atelier Numérique, Nantes (Sep 2017 – Dec 2020)
- Built Vue and later React interfaces for museum and theatre clients.
- Wrote unit tests with Jest and end-to-end tests with Cypress.

Education
Licence professionnelle Développement Web, IUT de Nantes, 2017

Skills
React, TypeScript, Next.js, CSS, accessibility, Storybook, Jest, Cypress, Figma
""",
    "teacher": """Eilidh MacLeod
Mathematics Teacher · Inverness · eilidh.macleod@mailbox.example

PROFILE
Secondary mathematics teacher with eleven years of experience from S1 to Advanced Higher. I use formative
assessment and clear routines to help every pupil make progress.

EXPERIENCE
Principal Teacher of Mathematics — Inverness Royal Academy | August 2018 – present
• Lead a department of seven teachers; results at Higher rose from 71% to 84% A–C.
• Redesigned the S1–S3 curriculum around problem solving and numeracy across learning.
• Coordinate the maths club and the senior phase tutoring programme.

Teacher of Mathematics — Millburn Academy, Inverness | August 2013 – June 2018
• Taught classes from S1 to Advanced Higher; form tutor for an S4 group.
• Ran revision workshops and parent information evenings.

EDUCATION
PGDE Secondary Mathematics, University of Strathclyde, 2013
BSc Mathematics, University of Aberdeen, 2012

SKILLS
Curriculum design, formative assessment, differentiation, classroom management, SQA moderation
""",
    "sysadmin": """Piotr Nowak
Windows Systems Administrator | Gdańsk | piotr.nowak@mailbox.example | +48 600 412 377

SUMMARY
Systems administrator for mid-sized companies: Windows Server, Active Directory, VMware and Microsoft 365.
Reliable, documented and patient with users.

EXPERIENCE
Senior Systems Administrator, Bałtyk Logistics Sp. z o.o., Gdańsk — 05/2018 – present
- Administer 120 Windows servers on VMware vSphere and the Active Directory for 900 users.
- Migrated Exchange to Microsoft 365; set up Intune for company laptops.
- Backup and restore with Veeam; quarterly restore tests.

Systems Administrator, Pomorze Print S.A., Gdynia — 09/2013 – 04/2018
- Helpdesk third line, group policies, patching with WSUS.
- Maintained the network with the external provider; firewall rules on FortiGate.

EDUCATION
Inżynier, Informatyka, Politechnika Gdańska, 2013

SKILLS
Windows Server, Active Directory, VMware vSphere, Microsoft 365, Intune, Veeam, PowerShell, WSUS
""",
    "qa_automation": """Ana-Maria Ionescu
QA Automation Engineer · Bucharest · anamaria.ionescu@mailbox.example

PROFILE
QA automation engineer for web and mobile products. I build test frameworks that teams trust and keep them fast.

EXPERIENCE
QA Automation Engineer — Dâmbovița Soft, Bucharest | Feb 2020 – Present
• Built a Playwright framework for the customer portal; 600 tests run on every pull request.
• API tests with RestAssured; contract tests for three partner integrations.
• Test plans and regression suites for monthly releases; bug triage with developers.

QA Engineer — Carpathia Games, Bucharest | Jun 2016 – Jan 2020
• Manual and automated testing of mobile games with Appium.
• Wrote test cases in TestRail and tracked defects in JIRA.

EDUCATION
Licență în Automatică și Calculatoare, Universitatea Politehnica București, 2016

SKILLS
Playwright, Selenium, Appium, RestAssured, TestRail, JIRA, Java, TypeScript, test planning
""",
    "project_manager": """Daniel Whitaker
IT Project Manager | Denver, CO | daniel.whitaker@mailbox.example | (303) 555-0119

SUMMARY
IT project manager with twelve years delivering ERP, CRM and infrastructure projects for healthcare and
retail. PMP certified; comfortable with budgets, vendors and executive reporting.

EXPERIENCE
Senior IT Project Manager — Front Range Health, Denver, CO | Jun 2019 – Present
• Lead a portfolio of six projects worth $8M, including the Epic EHR upgrade.
• Run steering committees and monthly status reporting to the CIO.
• Manage vendor contracts and change requests; delivered the data center exit on budget.

IT Project Manager — Mile High Retail, Denver, CO | Mar 2013 – May 2019
• Delivered the Salesforce CRM rollout to 40 stores.
• Coordinated a point-of-sale replacement with three vendors and 200 store staff trained.

EDUCATION
BS Business Information Systems, University of Colorado Denver, 2012

CERTIFICATIONS
PMP, 2015; Certified ScrumMaster, 2017

SKILLS
Project planning, budgets, risk registers, stakeholder management, vendor management, JIRA, MS Project
""",
    "sales": """Chiara Bellandi
Sales Manager · Milan · chiara.bellandi@mailbox.example · +39 333 555 0194

PROFILE
B2B sales manager for industrial equipment with a record of growing territories and building long-term
customer relationships.

EXPERIENCE
Area Sales Manager, Lombardia Macchine S.p.A., Milan — Jan 2018 – present
- Manage a team of five account executives covering northern Italy; revenue grew from €6M to €9.5M.
- Negotiate framework agreements with key accounts in food and packaging.
- Forecasting and pipeline reviews in Salesforce.

Account Executive, Brianza Automazione S.r.l., Monza — Apr 2013 – Dec 2017
- Prospecting and closing new customers; 118% of quota on average.
- Trade fair presence at SPS Italia and Ipack-Ima.

EDUCATION
Laurea in Economia e Commercio, Università Cattolica del Sacro Cuore, 2013

SKILLS
Key account management, negotiation, forecasting, Salesforce, CRM, team leadership
""",
    "data_scientist": """Tobias Hartmann
Data Scientist | Vienna | tobias.hartmann@mailbox.example

SUMMARY
Data scientist in insurance pricing and churn modelling. I combine statistics, Python and clear communication
so that models get used.

EXPERIENCE
Senior Data Scientist, Donau Versicherung AG, Vienna — 02/2021 – present
- Built gradient-boosting pricing models with scikit-learn and XGBoost; loss ratio improved by 3 points.
- Designed A/B tests for retention campaigns and presented results to the board.
- Mentored two junior data scientists.

Data Scientist, Wiener Telekom, Vienna — 10/2017 – 01/2021
- Churn prediction models and customer segmentation in Python and SQL.
- Dashboards in Tableau for the marketing team.

EDUCATION
MSc Statistics, Universität Wien, 2017

SKILLS
Python, pandas, scikit-learn, XGBoost, SQL, statistics, A/B testing, Tableau
""",
    "mechanical_engineer": """Sipho Dlamini
Mechanical Engineer · Durban · sipho.dlamini@mailbox.example · +27 83 555 0276

PROFILE
Mechanical engineer in manufacturing and maintenance: reliability of production lines, preventive maintenance
and continuous improvement.

EXPERIENCE
Maintenance Engineer — Umgeni Packaging (Pty) Ltd, Durban | Jul 2018 – Present
• Lead preventive maintenance for four production lines; unplanned downtime down 30%.
• Root cause analysis of breakdowns; spare parts strategy with procurement.
• Lean manufacturing projects with the operations team.

Design Engineer — Natal Steel Fabricators, Pinetown | Jan 2014 – Jun 2018
• Designed conveyor and chute systems in SolidWorks; FEA of structural parts.
• Site installation supervision and commissioning.

EDUCATION
BSc Mechanical Engineering, University of KwaZulu-Natal, 2013

SKILLS
SolidWorks, FEA, preventive maintenance, root cause analysis, lean manufacturing, AutoCAD
""",
}

# Texts too thin to judge: one-liners, headlines, skills only, education only, empty templates.
THIN_TEXTS: dict[str, str] = {
    "one_liner": "DevOps. Kubernetes. AWS. Terraform. 5 yrs.",
    "title_and_stack": "Senior DevOps Engineer — Kubernetes, Terraform, AWS, CI/CD, 8 years",
    "headline": "SRE | Platform | K8s | AWS | GCP | Terraform | Go | Prometheus",
    "name_and_contact": "Jordan Reyes\nDevOps Engineer\njordan.reyes@mailbox.example | +1 555 010 4477",
    "looking": "Experienced DevOps engineer looking for new opportunities in cloud and Kubernetes. Please contact "
    "me for my full CV.",
    "skills_only": "Skills: Kubernetes, Docker, Helm, Terraform, Ansible, Jenkins, GitLab CI, GitHub Actions, Argo "
    "CD, AWS, Azure, GCP, Prometheus, Grafana, ELK, Vault, Python, Bash, Go, Linux",
    "cover_note": "Dear hiring manager, I am very interested in the Senior DevOps Engineer position. I have worked "
    "with Kubernetes, Terraform and AWS for many years and I am passionate about automation, reliability and "
    "continuous delivery. I would love to bring this experience to your team. Kind regards, Alex",
    "email_body": "Hi, please find my CV attached. Best regards, Sam",
    "template": "Curriculum Vitae\nName:\nPhone:\nEmail:\nProfile\nExperience\nEducation\nSkills\nReferences",
    "certifications_only": "Certifications\nCertified Kubernetes Administrator (CKA)\nAWS Certified DevOps "
    "Engineer – Professional\nHashiCorp Certified: Terraform Associate\nGoogle Professional Cloud DevOps "
    "Engineer",
    "spanish_one_liner": "Ingeniero DevOps. Kubernetes, AWS, Terraform, Jenkins. 6 años de experiencia.",
    "nurse_one_liner": "Registered nurse, ICU, 10 years. BLS, ACLS.",
    "short_mini_resume": "Kim Lee\nDevOps Engineer, Acme Cloud (2019 – present)\n- Kubernetes clusters on EKS\n"
    "- Terraform for AWS\n- Jenkins pipelines\n- Prometheus alerts\nSkills: Docker, Helm, Ansible, Python",
    "references": "References available on request.",
    "lorem": "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore "
    "et dolore magna aliqua.",
    "linkedin_about": "Cloud-native enthusiast. Kubernetes lover. Terraform all the things. Always learning, "
    "always shipping. Open to work.",
    "education_only": """Alexandra Petrov
alexandra.petrov@mailbox.example

EDUCATION
MSc Cloud Computing, University of Edinburgh, 2026
Dissertation: autoscaling policies for Kubernetes workloads under bursty traffic.
Modules: distributed systems, cloud infrastructure, containers and orchestration, security engineering,
software engineering with DevOps, machine learning systems, advanced databases, networking.
BSc Computer Science, University of Glasgow, 2025
Final year project: a command-line tool that checks Terraform plans against tagging rules.

SKILLS
Kubernetes, Docker, Terraform, AWS, Python, Go, Bash, Linux, Git, GitHub Actions, Prometheus, Grafana

CERTIFICATIONS
AWS Certified Cloud Practitioner; Certified Kubernetes Application Developer (CKAD)

LANGUAGES
English (native), Russian (fluent), French (B1)

INTERESTS
Open source, hill walking, chess
""",
    "summary_and_skills": """Morgan Blake
DevOps Engineer

SUMMARY
DevOps engineer passionate about automation, cloud infrastructure and continuous delivery. Strong knowledge of
Kubernetes, Terraform, AWS and CI/CD. Quick learner, team player, excellent communication skills, able to work
under pressure and meet deadlines. Looking for a challenging role in a fast-growing company.

TECHNICAL SKILLS
Cloud: AWS, Azure, GCP
Containers: Docker, Kubernetes, Helm, OpenShift
IaC: Terraform, Ansible, CloudFormation, Pulumi
CI/CD: Jenkins, GitLab CI, GitHub Actions, Argo CD
Monitoring: Prometheus, Grafana, ELK, Datadog
Scripting: Python, Bash, PowerShell, Go

LANGUAGES
English, German
""",
    "skills_grid": "Kubernetes Docker Terraform Ansible Jenkins AWS Azure GCP Helm Prometheus Grafana Python Bash "
    "Linux Git",
    "job_title_only": "Site Reliability Engineer",
    "objective_only": "Career Objective: To obtain a DevOps Engineer position in a reputed organisation where I "
    "can use my skills in Kubernetes, Docker, Jenkins and AWS and grow with the company.",
}
