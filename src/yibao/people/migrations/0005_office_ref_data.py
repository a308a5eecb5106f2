"""Existing staff office names become references where they match an office of the member's
region (the newest guide edition listing that name); anything else is left without one."""
from django.db import migrations


def forwards(apps, schema_editor):
    Office = apps.get_model("catalog", "Office")
    StaffProfile = apps.get_model("people", "StaffProfile")
    for name, region_id in StaffProfile.objects.exclude(office="").values_list("office", "region_id").distinct():
        office_id = (Office.objects.filter(guide__region_id=region_id, name=name.strip())
                     .order_by("-guide__effective_from", "-guide_id").values_list("pk", flat=True).first())
        if office_id is not None:
            StaffProfile.objects.filter(office=name, region_id=region_id).update(office_ref_id=office_id)


class Migration(migrations.Migration):
    dependencies = [("people", "0004_office_ref"), ("catalog", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
