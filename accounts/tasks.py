from celery import shared_task

from accounts.services import brand_invitations_expire


@shared_task
def brand_invitations_expire_task() -> int:
    return brand_invitations_expire()
