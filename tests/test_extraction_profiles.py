"""Site profiles: the shipped ones load, lookups match by site, malformed files are named errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.items import SELECTOR_FIELDS
from crawler.profiles import (
    Profile,
    ProfileError,
    all_profiles,
    load_profile,
    load_profile_file,
    profile_for_url,
)


def test_shipped_profiles_load() -> None:
    profiles = all_profiles()
    assert [p.name for p in profiles] == sorted(p.name for p in profiles)
    for profile in profiles:
        assert isinstance(profile, Profile)
        assert profile.domains
        assert set(profile.selectors) <= set(SELECTOR_FIELDS)


def test_arabdailydigital_profile() -> None:
    profile = load_profile("arabdailydigital")
    assert profile.domains == ("arabdailydigital.com", "asianlite.com")
    assert profile.start_urls
    assert profile.field_xpaths("body")
    assert profile.noise_xpath is not None


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://arabdailydigital.com/some-story/", "arabdailydigital"),
        ("https://www.arabdailydigital.com/some-story/", "arabdailydigital"),
        ("https://asianlite.com/2025/top-news/some-story/", "arabdailydigital"),
        ("https://news.asianlite.com/x", "arabdailydigital"),
        ("https://example.com/some-story/", None),
        ("https://notarabdailydigital.com/", None),
        ("not a url", None),
        ("", None),
    ],
)
def test_profile_for_url(url: str, name: str | None) -> None:
    profile = profile_for_url(url)
    assert (profile.name if profile else None) == name


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name = ", "invalid TOML"),
        ('name = "bad"\ndomains = ["x.com"]', "differs from the file name"),
        ('domains = ["x.com"]', "'name'"),
        ('name = "case"', "domains"),
        ('name = "case"\ndomains = []', "at least one domain"),
        ('name = "case"\ndomains = ["x.com"]\nextra = 1', "unknown keys extra"),
        (
            'name = "case"\ndomains = ["x.com"]\n[selectors]\nheadline = ["h1"]',
            "unknown fields headline",
        ),
        ('name = "case"\ndomains = ["x.com"]\n[selectors]\ntitle = "h1[["', "invalid CSS selector"),
        (
            'name = "case"\ndomains = ["x.com"]\n[selectors]\ntitle = [1]',
            "list of non-empty strings",
        ),
        ('name = "case"\ndomains = ["x.com"]\n[noise]\npatterns = ["(unclosed"]', "invalid regex"),
        ('name = "case"\ndomains = ["x.com"]\n[noise]\nwords = ["x"]', "[noise]"),
    ],
)
def test_malformed_profiles(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile_file(path)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_and_unsafe_names() -> None:
    with pytest.raises(ProfileError, match="no profile named"):
        load_profile("no-such-site")
    with pytest.raises(ProfileError, match="not a profile name"):
        load_profile("../secrets")
    with pytest.raises(ProfileError, match="no such profile file"):
        load_profile_file(Path("missing.toml"))
