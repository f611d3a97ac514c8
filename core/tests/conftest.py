import pytest

from core.tests.translations import compile_limits_fragment


@pytest.fixture
def vietnamese(settings, tmp_path_factory):
    """Vietnamese, with this branch's strings (Django resets its catalogues on the change)."""
    from django.utils import translation

    settings.LOCALE_PATHS = [
        compile_limits_fragment(tmp_path_factory.mktemp("locale")),
        *settings.LOCALE_PATHS,
    ]
    settings.LANGUAGE_CODE = "vi"
    with translation.override("vi"):
        yield
