"""The bench's real link jobs (sqlite, lua, openssl, C++ …) link with braze and behave as with ld.bfd."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from bench import jobs  # noqa: E402


@pytest.mark.parametrize("job", jobs.DEFAULT_JOBS)
def test_bench_job(job, braze_lddir, tmp_path_factory):
    work = str(tmp_path_factory.getbasetemp().parent / "bench-work")
    r = jobs.check_job(job, lddir=braze_lddir, workdir=work)
    assert r.ok, r.message
