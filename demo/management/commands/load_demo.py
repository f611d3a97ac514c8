import os

from django.core.management.base import BaseCommand

from demo.builder import DEMO_AS_OF, LEFT_OUT_CODE, load_demo


class Command(BaseCommand):
    help = (
        "Load the 2017 Bến Tre wave (45 communes), the 2025 reorganisation (tỉnh Vĩnh Long, 124 units) and the "
        "2025-2026 wave as demo data, with one account per role. "
        "Idempotent: a second run changes nothing. The password comes from DEMO_PASSWORD or is "
        "generated and printed once."
    )

    def handle(self, *args, **options):
        result = load_demo(password=os.environ.get("DEMO_PASSWORD") or None)
        if result.created == 0:
            self.stdout.write("The demo data is already loaded: nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {result.created} rows created."))
        self.stdout.write(
            f"Left out of the wave (an assumption): commune {LEFT_OUT_CODE} (Xã Phong Mỹ). "
            f"The 2017 wave as of {DEMO_AS_OF:%d/%m/%Y}: /?as_of={DEMO_AS_OF:%d/%m/%Y}"
        )
        self.stdout.write(
            "Accounts: dost, manager, consultant, district-<GSO code>, commune-<GSO code> (2017),"
            " xa2025-<GSO code> (the 124 units of 1/7/2025)."
        )
        if result.password:
            self.stdout.write(
                self.style.WARNING(f"Generated password for every demo account: {result.password}")
            )
            self.stdout.write("It is printed only this once.")
        else:
            self.stdout.write("Password: the value of DEMO_PASSWORD.")
