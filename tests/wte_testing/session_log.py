"""Master logs for the `progress` tests, line by line (docs/LOG-FORMAT.md): a session header,
then each account through TRANSFER and RESTORE, then `complete`."""
import json

LONG_HOST = "source-server-with-a-rather-long-name.hosting-company.example.net"


def line(time, action, **fields):
    contents = {"action": action, "child_number": fields.pop("child", 0)}
    if time is not None:
        contents["time"] = time
    contents.update(fields)
    return (json.dumps({"contents": contents, "type": "control", "pid": 4242},
                       ensure_ascii=False) + "\n").encode()


def header(accounts, t=1700000000, host=LONG_HOST, initiator="copyacct-initiated-by-admin"):
    size = 1024 * 1024 * 1024
    out = [line(t, "start"), line(t, "initiator", msg=initiator), line(t, "version", msg="2.3"),
           line(t, "remotehost", msg=host)]
    for q in ("TRANSFER", "RESTORE"):
        out += [line(t, "queue_count", queue=q, msg=accounts),
                line(t, "queue_size", queue=q, msg=accounts * size)]
    return out


def account(name, t, failure=None, dangerous=None, queues=("TRANSFER", "RESTORE")):
    """The lines of one account: started and finished in each queue."""
    size = 1024 * 1024 * 1024
    out = []
    for q in queues:
        item = dict(queue=q, item=name, item_type="AccountRemoteUser", child=1)
        out.append(line(t, "start-item", msg={"size": size}, **item))
        if failure is not None:
            out.append(line(t + 1, "failed-item", msg={"failure": failure, "size": size}, **item))
            continue
        contents = {}
        n_dangerous = 0
        if dangerous is not None and q == "RESTORE":
            contents["dangerous_items"] = [[["Mysql", "_restore", 1], dangerous, None]]
            n_dangerous = 1
        out.append(line(t + 1, "success-item", msg={
            "warnings": 0, "dangerous_items": n_dangerous, "skipped_items": 0, "altered_items": 0,
            "contents": contents}, **item))
    return out


def started(name, t, queue="TRANSFER"):
    return [line(t, "start-item", queue=queue, item=name, item_type="AccountRemoteUser", child=1,
                 msg={"size": 1})]


def complete(t):
    return [line(t, "complete")]


def whole_session(accounts, failures=None, dangerous=None, t=1700000000):
    """A completed session of `accounts` accounts named user000..; failures and dangerous map
    an index to its text."""
    failures = failures or {}
    dangerous = dangerous or {}
    out = header(accounts, t)
    for i in range(accounts):
        out += account("user%03d" % i, t + 10 * i, failures.get(i), dangerous.get(i))
    return out + complete(t + 10 * accounts)
