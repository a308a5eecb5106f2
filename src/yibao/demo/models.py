"""What `yibao demo load` made, so that `yibao demo clear` removes exactly that: per table, the
range of row ids the load wrote (nothing else writes while it runs)."""
from django.db import models


class DemoLoad(models.Model):
    seed = models.PositiveIntegerField("随机种子")
    persons = models.PositiveIntegerField("每地区参保人数")
    cases = models.PositiveIntegerField("每地区办件数")
    loaded_at = models.DateTimeField("载入时间", auto_now_add=True)
    seconds = models.FloatField("用时（秒）", default=0)
    ranges = models.JSONField("各表新增行", default=dict, help_text="表名 -> [最小id, 最大id]")
    summary = models.JSONField("概况", default=dict)

    class Meta:
        verbose_name = "演示数据"
        verbose_name_plural = "演示数据"

    def __str__(self):
        return f"演示数据（种子{self.seed}）"

    def holds(self, model, pk):
        lo_hi = self.ranges.get(model._meta.db_table)
        return bool(lo_hi) and lo_hi[0] <= pk <= lo_hi[1]
