from core.screening.redaction import blind, find_name, model_input

RESUME = """Priya Raman
DevOps Engineer | priya.raman@mailbox.example | +44 7700 900123 | linkedin.com/in/priyaraman
Experience 2016 - 2024 at Northwind: Priya built Jenkins pipelines."""


def test_finds_the_name_on_the_first_lines() -> None:
    assert find_name(RESUME) == "Priya Raman"
    assert find_name("CURRICULUM VITAE\nName: Tomás Álvarez Ruiz\nMadrid") == "Tomás Álvarez Ruiz"
    assert find_name("SUMMARY\nSenior DevOps Engineer with AWS") is None


def test_model_input_drops_personal_details_and_keeps_the_rest() -> None:
    text = model_input(RESUME)
    for detail in ("Priya", "Raman", "@", "7700", "linkedin"):
        assert detail not in text
    assert "2016 - 2024" in text and "Jenkins pipelines" in text


def test_renaming_gives_the_same_model_input() -> None:
    renamed = (
        RESUME.replace("Priya", "Olufemi")
        .replace("Raman", "Adeyemi")
        .replace("+44 7700 900123", "(555) 010-9999")
    )
    assert model_input(renamed) == model_input(RESUME)


def test_blind_marks_what_it_hides() -> None:
    hidden = blind(RESUME)
    assert "[name]" in hidden and "[email]" in hidden and "[phone]" in hidden and "[link]" in hidden
    assert "Priya" not in hidden


def test_names_in_any_latin_script_are_found_and_removed() -> None:
    for name in (
        "Agnieszka Zielińska-Kruk",
        "Þóra Ólafsdóttir",
        "Şebnem Çelik",
        "Nguyễn Văn An",
        "Seán O'Néill",
    ):
        resume = f"CURRICULUM VITAE\n{name}\nDevOps Lead\n{name.split()[0]} built pipelines."
        assert find_name(resume) == name
        assert name.split()[0] not in model_input(resume)
