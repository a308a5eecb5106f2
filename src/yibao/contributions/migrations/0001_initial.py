"""The contributions app takes over the models that were part of enrollment (enrollment 0004):
the tables already exist under their old names (db_table), so only Django's record of the models
is created; the rows are not touched. The content types follow the models, so permissions and
admin history that point at them stay attached."""
import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
import yibao.core.records
from django.conf import settings
from django.db import migrations, models


MOVED = ["contributionbase", "paymentnotice", "assessment", "contributionperiod", "certificate", "ecredential"]


def relabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="enrollment", model__in=MOVED).update(app_label="contributions")


def label_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="contributions", model__in=MOVED).update(app_label="enrollment")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0006_open_queue_index'),
        ('catalog', '0001_initial'),
        ('enrollment', '0004_contributions_move_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
                migrations.CreateModel(
                    name='Certificate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(max_length=48, unique=True, verbose_name='凭证编号')),
                        ('content', models.JSONField(default=dict, verbose_name='凭证内容')),
                        ('verify_code', models.CharField(default=yibao.core.records.new_verify_code, editable=False, max_length=32, unique=True, verbose_name='核验码')),
                        ('issued_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='出具时间')),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.case', verbose_name='办件')),
                        ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='出具人')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='enrollment.person', verbose_name='参保人员')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.region', verbose_name='出具地区')),
                    ],
                    options={
                        'verbose_name': '参保凭证',
                        'verbose_name_plural': '参保凭证',
                        'db_table': 'enrollment_certificate',
                        'ordering': ['-issued_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='PaymentNotice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(max_length=48, unique=True, verbose_name='通知单编号')),
                        ('kind', models.CharField(choices=[('flexible', '灵活就业人员缴费'), ('employer', '单位缴费'), ('lump_sum', '趸缴')], max_length=10, verbose_name='类别')),
                        ('period_from', models.DateField(blank=True, null=True, verbose_name='费款所属期起')),
                        ('period_to', models.DateField(blank=True, null=True, verbose_name='费款所属期止')),
                        ('items', models.JSONField(default=list, help_text='每行：项目、基数、比例、金额（元，字符串）', verbose_name='明细')),
                        ('total', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='应缴金额（元）')),
                        ('issued_on', models.DateField(verbose_name='开具日期')),
                        ('due_on', models.DateField(verbose_name='缴款期限')),
                        ('state', models.CharField(choices=[('issued', '待缴费'), ('paid', '已缴费'), ('cancelled', '已作废')], default='issued', max_length=10, verbose_name='状态')),
                        ('paid_on', models.DateField(blank=True, null=True, verbose_name='缴费日期')),
                        ('payment_reference', models.CharField(blank=True, max_length=100, verbose_name='缴费凭证号')),
                        ('parameters_label', models.CharField(blank=True, help_text='据示例参数计算的，注明“示例参数（非正式政策）”', max_length=40, verbose_name='参数说明')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.case', verbose_name='办件')),
                        ('employer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payment_notices', to='enrollment.employer', verbose_name='缴费单位')),
                        ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payment_notices', to='enrollment.person', verbose_name='缴费人')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.region', verbose_name='参保地')),
                    ],
                    options={
                        'verbose_name': '缴费通知单',
                        'verbose_name_plural': '缴费通知单',
                        'db_table': 'enrollment_paymentnotice',
                        'ordering': ['-issued_on', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ContributionPeriod',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('scheme', models.CharField(choices=[('employee', '职工基本医疗保险'), ('resident', '城乡居民基本医疗保险')], default='employee', max_length=10, verbose_name='险种')),
                        ('source', models.CharField(choices=[('recorded', '历史缴费记录'), ('lump_sum', '趸缴'), ('transfer_in', '转移接续转入')], max_length=12, verbose_name='来源')),
                        ('months', models.PositiveIntegerField(verbose_name='缴费月数')),
                        ('start_month', models.DateField(blank=True, null=True, verbose_name='起始月份')),
                        ('end_month', models.DateField(blank=True, null=True, verbose_name='截止月份')),
                        ('origin', models.CharField(blank=True, help_text='转出地、原记录来源等', max_length=200, verbose_name='来源说明')),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='记录时间')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='经办人')),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.case', verbose_name='办件')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contribution_periods', to='enrollment.person', verbose_name='参保人员')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.region', verbose_name='记录地区')),
                        ('notice', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contributions.paymentnotice', verbose_name='缴费通知单')),
                    ],
                    options={
                        'verbose_name': '缴费年限记录',
                        'verbose_name_plural': '缴费年限记录',
                        'db_table': 'enrollment_contributionperiod',
                        'ordering': ['person', 'recorded_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Assessment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(help_text='该月1日', verbose_name='费款所属期')),
                        ('base', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='缴费基数（元）')),
                        ('employer_rate', models.DecimalField(decimal_places=4, max_digits=6, verbose_name='单位缴费比例')),
                        ('personal_rate', models.DecimalField(decimal_places=4, max_digits=6, verbose_name='个人缴费比例')),
                        ('employer_amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='单位缴费（元）')),
                        ('personal_amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='个人缴费（元）')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='应缴合计（元）')),
                        ('state', models.CharField(choices=[('assessed', '已核定'), ('paid', '已缴费'), ('cancelled', '已作废')], default='assessed', max_length=10, verbose_name='状态')),
                        ('paid_on', models.DateField(blank=True, null=True, verbose_name='缴费日期')),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.case', verbose_name='办件')),
                        ('employer', models.ForeignKey(blank=True, help_text='空表示以灵活就业人员身份缴费', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='assessments', to='enrollment.employer', verbose_name='参保单位')),
                        ('parameters', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assessments', to='enrollment.policyparameters', verbose_name='适用参数版本')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assessments', to='enrollment.person', verbose_name='参保人员')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.region', verbose_name='参保地')),
                        ('notice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assessments', to='contributions.paymentnotice', verbose_name='缴费通知单')),
                    ],
                    options={
                        'verbose_name': '缴费核定',
                        'verbose_name_plural': '缴费核定',
                        'db_table': 'enrollment_assessment',
                        'ordering': ['person', 'month', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ContributionBase',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                        ('base', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='月缴费基数（元）')),
                        ('declared_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='申报时间')),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.case', verbose_name='办件')),
                        ('employer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='declared_bases', to='enrollment.employer', verbose_name='参保单位')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='declared_bases', to='enrollment.person', verbose_name='职工')),
                    ],
                    options={
                        'verbose_name': '缴费基数申报',
                        'verbose_name_plural': '缴费基数申报',
                        'db_table': 'enrollment_contributionbase',
                        'ordering': ['employer', '-year', 'person'],
                        'constraints': [models.UniqueConstraint(fields=('employer', 'person', 'year'), name='contribution_base_one_per_year'), models.CheckConstraint(condition=models.Q(('base__gt', 0)), name='contribution_base_positive')],
                    },
                ),
                migrations.CreateModel(
                    name='ECredential',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(max_length=40, unique=True, verbose_name='凭证号')),
                        ('status', models.CharField(choices=[('active', '已激活'), ('revoked', '已注销')], default='active', max_length=10, verbose_name='状态')),
                        ('activated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='激活时间')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='注销时间')),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.case', verbose_name='办件')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='e_credentials', to='enrollment.person', verbose_name='参保人员')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.region', verbose_name='参保地')),
                    ],
                    options={
                        'verbose_name': '医保电子凭证',
                        'verbose_name_plural': '医保电子凭证',
                        'db_table': 'enrollment_ecredential',
                        'ordering': ['-activated_at', '-id'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'active')), fields=('person',), name='e_credential_one_active_per_person')],
                    },
                ),
                migrations.AddIndex(
                    model_name='paymentnotice',
                    index=models.Index(fields=['employer', 'state'], name='enrollment__employe_b3ef2b_idx'),
                ),
                migrations.AddIndex(
                    model_name='paymentnotice',
                    index=models.Index(fields=['person', 'state'], name='enrollment__person__5c6179_idx'),
                ),
                migrations.AddConstraint(
                    model_name='paymentnotice',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('person', None), models.Q(('employer', None), _negated=True)), models.Q(models.Q(('person', None), _negated=True), ('employer', None)), _connector='OR'), name='payment_notice_one_payer'),
                ),
                migrations.AddConstraint(
                    model_name='paymentnotice',
                    constraint=models.CheckConstraint(condition=models.Q(('total__gte', 0)), name='payment_notice_total_not_negative'),
                ),
                migrations.AddConstraint(
                    model_name='paymentnotice',
                    constraint=models.UniqueConstraint(condition=models.Q(('kind', 'lump_sum'), ('state', 'issued')), fields=('person',), name='payment_notice_one_open_lump_sum'),
                ),
                migrations.AddConstraint(
                    model_name='contributionperiod',
                    constraint=models.CheckConstraint(condition=models.Q(('months__gt', 0)), name='contribution_period_months_positive'),
                ),
                migrations.AddConstraint(
                    model_name='contributionperiod',
                    constraint=models.CheckConstraint(condition=models.Q(('start_month', None), ('end_month', None), ('end_month__gte', models.F('start_month')), _connector='OR'), name='contribution_period_ends_after_start'),
                ),
                migrations.AddIndex(
                    model_name='assessment',
                    index=models.Index(fields=['person', 'state'], name='enrollment__person__522932_idx'),
                ),
                migrations.AddIndex(
                    model_name='assessment',
                    index=models.Index(fields=['employer', 'month'], name='enrollment__employe_848aee_idx'),
                ),
                migrations.AddConstraint(
                    model_name='assessment',
                    constraint=models.UniqueConstraint(condition=models.Q(('state__in', ('assessed', 'paid'))), fields=('person', 'month'), name='assessment_one_per_person_month'),
                ),
                migrations.AddConstraint(
                    model_name='assessment',
                    constraint=models.CheckConstraint(condition=models.Q(('amount', django.db.models.expressions.CombinedExpression(models.F('employer_amount'), '+', models.F('personal_amount')))), name='assessment_amount_is_the_sum'),
                ),
        ], database_operations=[]),
        migrations.RunPython(relabel_content_types, label_back),
    ]
