"""Login accounts of the judging system (no streamlit here).

The credentials live in `<data dir>/auth.yaml` in the layout streamlit-authenticator 0.4.2 reads
(`credentials.usernames.<name>.{name, password, roles}` plus `cookie.{name, key, expiry_days}`),
with bcrypt hashes only: a plain password exists once, in the return value of the call that made
it, so the caller can show it to the admin a single time.

```python
from accounts import AccountStore
store = AccountStore(data_dir)
first_password = store.ensure_initialized()   # str on the very first start, else None
store.add_user(admin_actor, "zhang", "张老师")  # -> one-time password
store.set_disabled(admin_actor, "zhang", True)
store.reset_password(admin_actor, "zhang")    # -> new one-time password
store.load_reviewers_csv(admin_actor, path)   # -> list[CsvAccount]
```
`python -m accounts --data-dir DIR reset-password admin` recovers a lost admin password.
"""
from accounts.store import Account, AccountError, AccountStore, CsvAccount, data_dir

__all__ = ["Account", "AccountError", "AccountStore", "CsvAccount", "data_dir"]
