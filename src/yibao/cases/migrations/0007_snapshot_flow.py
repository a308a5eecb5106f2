from django.db import migrations


def freeze_flow(apps, schema_editor):
    # Cases opened before the flow was data: freeze the flow of the item they were opened under,
    # as catalog migration 0002 derived it, so the engine never reads stage wording again.
    Case = apps.get_model("cases", "Case")
    ServiceItem = apps.get_model("catalog", "ServiceItem")
    flows = {}
    for case in Case.objects.only("id", "item_id", "snapshot").iterator(chunk_size=1000):
        if "flow" in (case.snapshot or {}):
            continue
        if case.item_id not in flows:
            item = ServiceItem.objects.filter(pk=case.item_id).values("has_review", "pays", "flow_source").first()
            flows[case.item_id] = item and {"review": item["has_review"], "pays": item["pays"],
                                            "source": item["flow_source"]}
        if flows[case.item_id]:
            Case.objects.filter(pk=case.pk).update(snapshot={**case.snapshot, "flow": flows[case.item_id]})


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_open_queue_index"),
        ("catalog", "0002_item_flow"),
    ]

    operations = [migrations.RunPython(freeze_flow, migrations.RunPython.noop)]
