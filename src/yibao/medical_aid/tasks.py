"""The 免申即享 batch as background work (django-tasks): the workbench and `yibao aid run` enqueue it;
with the immediate backend (the default) it runs at once, with the database backend a worker
(`manage.py db_worker`) runs it. A batch killed midway is enqueued again and resumes."""
from django_tasks import task

from yibao.medical_aid import batch


@task()
def run_subsidy_batch(batch_id):
    done = batch.run_batch(int(batch_id))
    return {"batch": done.pk, "state": done.state, "done": done.done, "matched": done.matched,
            "amount": str(done.amount)}
