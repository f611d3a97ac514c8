import pytest

from imports.tests.helpers import compile_fragment


@pytest.fixture(scope="session")
def imports_locale(tmp_path_factory):
    return compile_fragment(tmp_path_factory.mktemp("locale"))


@pytest.fixture(autouse=True)
def vietnamese(settings, imports_locale):
    """The interface in Vietnamese, with this app's catalogue compiled from its fragment."""
    settings.LOCALE_PATHS = [imports_locale, *settings.LOCALE_PATHS]
    settings.LANGUAGE_CODE = "vi"
    settings.QMS_AS_OF = __import__("datetime").date(2017, 12, 15)
