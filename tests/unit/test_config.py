"""Settings: defaults < file < FRONTLINE_* env < command line, and readable errors naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontline import locations
from frontline.config import HelpdeskSettings, ProfileSettings, Settings, load_settings
from frontline.connectors.github import GitHubSettings
from frontline.connectors.jira import JiraSettings
from frontline.connectors.jsm import JsmSettings
from frontline.connectors.zendesk import ZendeskSettings
from frontline.errors import ConfigError

CONFIG = """
profile = "acme"

[ui]
theme = "frontline-light"
refresh_seconds = 120

[keymap]
"queue.refresh" = "f5"

[profiles.acme.helpdesk]
kind = "zendesk"
base_url = "https://acme.zendesk.com/"
email = "ada@acme.test"
views = ["360001", "360002"]
token_env = "ZENDESK_TOKEN"

[[profiles.acme.escalation]]
kind = "jira"
base_url = "https://acme.atlassian.net"
project = "ENG"

[profiles.globex.helpdesk]
kind = "jsm"
base_url = "https://globex.atlassian.net"
"""


def write_config(text: str) -> Path:
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file() -> None:
    settings = load_settings()

    assert settings == Settings()
    assert settings.ui.theme == "frontline-dark"
    assert settings.ui.refresh_seconds == 60
    assert settings.profiles == {}
    assert settings.active_profile_name() is None


def test_file_overrides_defaults() -> None:
    write_config(CONFIG)

    settings = load_settings()

    assert settings.ui.theme == "frontline-light"
    assert settings.ui.refresh_seconds == 120
    assert settings.ui.bell is False  # untouched default
    assert settings.keymap == {"queue.refresh": "f5"}
    helpdesk = settings.get_profile("acme").helpdesk
    assert helpdesk.base_url == "https://acme.zendesk.com"  # trailing slash dropped
    assert helpdesk.views == ["360001", "360002"]
    assert helpdesk.token_env == "ZENDESK_TOKEN"
    assert settings.get_profile("acme").escalation[0].project == "ENG"


def test_env_overrides_file(monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(CONFIG)
    monkeypatch.setenv("FRONTLINE_UI__THEME", "frontline-high-contrast")
    monkeypatch.setenv("FRONTLINE_PROFILE", "globex")

    settings = load_settings()

    assert settings.ui.theme == "frontline-high-contrast"
    assert settings.ui.refresh_seconds == 120  # the file's other [ui] keys stay
    assert settings.active_profile_name() == "globex"


def test_cli_overrides_env_and_file(monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(CONFIG)
    monkeypatch.setenv("FRONTLINE_PROFILE", "globex")

    settings = load_settings(profile="acme")

    assert settings.active_profile_name() == "acme"
    assert settings.active_profile_name("globex") == "globex"  # --profile wins over everything


def test_none_cli_values_do_not_override() -> None:
    write_config(CONFIG)
    assert load_settings(profile=None).profile == "acme"


def test_explicit_config_path(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.toml"
    other.write_text("[ui]\nbell = true\n", encoding="utf-8")

    assert load_settings(other).ui.bell is True


def test_frontline_config_env_points_at_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "custom" / "frontline.toml"
    path.parent.mkdir()
    path.write_text('[ui]\ntheme = "frontline-light"\n', encoding="utf-8")
    monkeypatch.setenv("FRONTLINE_CONFIG", str(path))

    assert load_settings().ui.theme == "frontline-light"
    assert locations.user_themes_dir() == path.parent / "themes"


def test_profile_selection_rules() -> None:
    single = Settings(profiles={"only": {}})
    assert single.active_profile_name() == "only"
    several = Settings(profiles={"a": {}, "b": {}})
    assert several.active_profile_name() is None
    assert Settings(profile="b", profiles={"a": {}, "b": {}}).active_profile_name() == "b"


def test_unknown_profile_lists_the_known_ones() -> None:
    path = write_config(CONFIG)
    settings = load_settings()

    with pytest.raises(ConfigError) as caught:
        settings.get_profile("initech")

    message = str(caught.value)
    assert "'initech'" in message
    assert "acme, globex" in message
    assert str(path) in message


def test_bad_toml_names_the_file() -> None:
    path = write_config("[ui\ntheme = 1\n")

    with pytest.raises(ConfigError) as caught:
        load_settings()

    assert str(path) in str(caught.value)
    assert "not valid TOML" in str(caught.value)
    assert caught.value.__cause__ is None


def test_unknown_key_names_file_and_key() -> None:
    path = write_config('[ui]\nthem = "frontline-light"\n')

    with pytest.raises(ConfigError) as caught:
        load_settings()

    message = str(caught.value)
    assert str(path) in message
    assert "ui.them: unknown key" in message


def test_wrong_type_names_the_key() -> None:
    write_config('[ui]\nrefresh_seconds = "often"\n')

    with pytest.raises(ConfigError, match=r"ui\.refresh_seconds: .*integer"):
        load_settings()


def test_out_of_range_value() -> None:
    write_config("[ui]\nrefresh_seconds = 1\n")

    with pytest.raises(ConfigError, match=r"ui\.refresh_seconds: .*greater than or equal to 10"):
        load_settings()


def test_bad_url_names_the_profile_key() -> None:
    write_config('[profiles.acme.helpdesk]\nbase_url = "acme.zendesk.com"\n')

    with pytest.raises(ConfigError) as caught:
        load_settings()

    message = str(caught.value)
    assert "profiles.acme.helpdesk.base_url" in message
    assert "https://" in message


def test_bad_kind_is_reported() -> None:
    write_config('[profiles.acme.helpdesk]\nkind = "freshdesk"\n')

    with pytest.raises(ConfigError, match=r"profiles\.acme\.helpdesk\.kind"):
        load_settings()


def test_bad_kind_names_the_known_kinds() -> None:
    write_config(
        '[profiles.acme.helpdesk]\nkind = "freshdesk"\n\n[[profiles.acme.escalation]]\nkind = "gitlab"\n'
    )

    with pytest.raises(ConfigError) as caught:
        load_settings()

    lines = [line.strip() for line in str(caught.value).splitlines()[1:]]
    assert lines == [
        "profiles.acme.helpdesk.kind: Input should be 'zendesk' or 'jsm'",
        "profiles.acme.escalation.0.kind: Input should be 'jira' or 'github'",
    ]


def test_each_kind_is_read_by_its_connectors_settings_model() -> None:
    write_config(CONFIG + '\n[[profiles.acme.escalation]]\nkind = "github"\nproject = "acme/app"\n')

    settings = load_settings()

    assert isinstance(settings.get_profile("acme").helpdesk, ZendeskSettings)
    assert isinstance(settings.get_profile("globex").helpdesk, JsmSettings)
    assert [type(t) for t in settings.get_profile("acme").escalation] == [JiraSettings, GitHubSettings]
    assert isinstance(Settings(profiles={"x": {}}).get_profile("x").helpdesk, ZendeskSettings)


def test_problems_in_a_kind_section_name_the_key_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    write_config('[profiles.globex.helpdesk]\nkind = "jsm"\nqueues = ["1:2"]\n')
    monkeypatch.setenv("FRONTLINE_PROFILES__GLOBEX__HELPDESK__BASE_URL", "globex.atlassian.net")

    with pytest.raises(ConfigError) as caught:
        load_settings()

    message = str(caught.value)
    assert (
        "profiles.globex.helpdesk.base_url (from FRONTLINE_PROFILES__GLOBEX__HELPDESK__BASE_URL): " in message
    )
    assert "profiles.globex.helpdesk.queues: unknown key" in message


def test_a_helpdesk_section_built_in_code_is_read_by_its_kind() -> None:
    section = HelpdeskSettings(kind="jsm", base_url="https://globex.atlassian.net/", email="ada@globex.test")

    profile = ProfileSettings(helpdesk=section)

    assert isinstance(profile.helpdesk, JsmSettings)
    assert profile.helpdesk.base_url == "https://globex.atlassian.net"
    assert profile.helpdesk.email == "ada@globex.test"


def test_bad_env_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTLINE_UI__BELL", "loudly")

    with pytest.raises(ConfigError) as caught:
        load_settings()

    assert "ui.bell (from FRONTLINE_UI__BELL)" in str(caught.value)


def test_several_problems_are_listed_together() -> None:
    write_config('[ui]\nbell = "maybe"\ncolour = "red"\n')

    with pytest.raises(ConfigError) as caught:
        load_settings()

    lines = str(caught.value).splitlines()
    assert any(line.strip().startswith("ui.bell:") for line in lines)
    assert any(line.strip().startswith("ui.colour:") for line in lines)


def test_a_token_in_the_file_is_refused_with_where_it_belongs() -> None:
    write_config('[profiles.acme.helpdesk]\nbase_url = "https://acme.zendesk.com"\ntoken = "s3cret"\n')

    with pytest.raises(ConfigError) as caught:
        load_settings()

    message = str(caught.value)
    assert "profiles.acme.helpdesk.token" in message
    assert "frontline login" in message and "token_env" in message
    assert "s3cret" not in message
