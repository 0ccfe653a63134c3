from django.core.management.base import BaseCommand, CommandError

from accounts.models import Brand, Member
from connectors.models import Identity
from demo.perks import demo_perks_seed
from demo.seed import demo_population_seed


class Command(BaseCommand):
    help = (
        "Generate a demo population (invented accounts named demo_<n>), ingest it, link the demo "
        "member to one generated person and compute a daily score history."
    )

    def add_arguments(self, parser):
        parser.add_argument("--identities", type=int, default=1_000)
        parser.add_argument("--reactions-per-identity", type=float, default=20.0)
        parser.add_argument("--history-days", type=int, default=90)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--member", default="member@demo.klout.local", help="Email of the member to link."
        )
        parser.add_argument(
            "--brand", default="Demo Brand (demo data)", help="Name of the demo brand to give perks."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when demo accounts are already stored."
        )

    def handle(
        self,
        *args,
        identities,
        reactions_per_identity,
        history_days,
        seed,
        member,
        brand,
        if_empty,
        **options,
    ):
        if identities < 10 or history_days < 0:
            raise CommandError("--identities must be at least 10 and --history-days not negative")
        if if_empty and Identity.objects.filter(external_id="demo-0").exists():
            self.stdout.write("demo data is already there")
            return
        linked_member = Member.objects.filter(user__email=member).first()
        if member and linked_member is None:
            self.stderr.write(f"no member {member}: the population is generated without a linked member")
        summary = demo_population_seed(
            identities=identities,
            reactions_per_identity=reactions_per_identity,
            history_days=history_days,
            seed=seed,
            member=linked_member,
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        self.stdout.write(
            f"demo data: {summary.identities} identities, {summary.posts} posts, {summary.interactions} "
            f"interactions; {summary.linked_identities} linked to {member}; {summary.days_scored} days scored"
        )
        demo_brand = Brand.objects.filter(name=brand).first()
        if demo_brand is None:
            self.stderr.write(f"no brand {brand!r}: no demo perks")
            return
        perks = demo_perks_seed(brand=demo_brand, member=linked_member)
        self.stdout.write(
            f"demo perks: {perks.perks} perks, {perks.shortlisted} shortlisted, "
            f"{perks.campaign_posts} campaign posts"
        )
