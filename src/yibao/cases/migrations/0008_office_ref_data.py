"""Existing office names become references where they match an office of the case's region (the
newest guide edition listing that name); anything else is left without a reference."""
from django.db import migrations


def _match(Office, cache, region_id, name):
    key = (region_id, (name or "").strip())
    if key not in cache:
        cache[key] = (Office.objects.filter(guide__region_id=region_id, name=key[1])
                      .order_by("-guide__effective_from", "-guide_id").values_list("pk", flat=True).first()
                      if key[1] else None)
    return cache[key]


def forwards(apps, schema_editor):
    Office = apps.get_model("catalog", "Office")
    cache = {}
    for model, region in (("Case", "region_id"), ("CaseEvent", "case__region_id"), ("Evaluation", "case__region_id")):
        Model = apps.get_model("cases", model)
        pairs = Model.objects.exclude(office="").values_list("office", region).distinct()
        for name, region_id in pairs:
            office_id = _match(Office, cache, region_id, name)
            if office_id is not None:
                filters = {"office": name, region.replace("_id", ""): region_id}
                Model.objects.filter(**filters).update(office_ref_id=office_id)


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_office_ref"), ("catalog", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
