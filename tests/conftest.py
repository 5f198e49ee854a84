"""Shared pytest fixtures."""

import pytest

from ons_fixtures import write_fixture_dir


@pytest.fixture(scope="session")
def ons_fixture_dir(tmp_path_factory):
    """Dir with invented workbooks in the ONS layouts: v13 and v12 indexes, two Volume 1 releases
    (file names in ons_fixtures.FIXTURE_FILES; deliberately misleading)."""
    directory = tmp_path_factory.mktemp("ons")
    write_fixture_dir(directory)
    return directory
