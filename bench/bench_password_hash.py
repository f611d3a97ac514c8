"""Benchmark: the cost of one sign-in's password check, PBKDF2 against Argon2 (not a test).

Times ``check_password`` (what a sign-in runs) for a hash of each hasher: Django's PBKDF2 at its
default rounds, Django's Argon2 at its defaults (argon2id, 2 passes over 100 MiB, 8 lanes) and at
OWASP's minimum (argon2id, 2 passes over 19 MiB, 1 lane). It prints the median wall time and the
CPU time of the process (all its threads: Argon2's lanes run in threads) per check, and the
hasher that signs in with the project's settings (``PASSWORD_HASHERS[0]``).

    .venv/bin/python bench/bench_password_hash.py [--runs 5]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_rollout.settings")


def cost(hasher, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of one check of a hash made by ``hasher``."""
    from django.contrib.auth.hashers import check_password

    encoded = hasher.encode("mật-khẩu-thử 2017", hasher.salt())
    walls, cpus = [], []
    for _i in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        assert check_password("mật-khẩu-thử 2017", encoded)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import (
        Argon2PasswordHasher,
        PBKDF2PasswordHasher,
        get_hasher,
    )

    class OwaspArgon2(Argon2PasswordHasher):
        time_cost, memory_cost, parallelism = 2, 19 * 1024, 1

    hashers = [
        (f"PBKDF2-SHA256, {PBKDF2PasswordHasher.iterations:,} rounds", PBKDF2PasswordHasher()),
        (
            "Argon2id, Django's defaults (t=2, m=100 MiB, p=8)",
            Argon2PasswordHasher(),
        ),
        ("Argon2id, OWASP's minimum (t=2, m=19 MiB, p=1)", OwaspArgon2()),
    ]
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {args.runs} checks each")
    print(f"{'hasher':52} {'wall':>8} {'CPU':>8}")
    for label, hasher in hashers:
        wall, cpu = cost(hasher, args.runs)
        print(f"{label:52} {wall * 1000:6.0f}ms {cpu * 1000:6.0f}ms")
    print(f"sign-in hashes new passwords with: {get_hasher().algorithm} ")
    print(f"(PASSWORD_HASHERS[0] = {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
