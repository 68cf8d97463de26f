"""The Celery queues, named once for settings (routes) and the celery app
(heartbeat schedule); no Django imports, as both load before Django is set up."""

# routing: new cases to departments; notifications: e-mail and in-site
# notices; scans: the deadline scans; default: everything else.
WORKER_QUEUES = ("routing", "notifications", "scans", "default")
