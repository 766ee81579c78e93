"""`python -m accounts [--data-dir DIR] init | reset-password USER | list`: console recovery tools."""
from __future__ import annotations

import argparse
import sys

from accounts.store import AccountError, AccountStore, admin_banner
from scoring.permissions import Actor, ADMIN


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m accounts", description="评审系统账号工具")
    p.add_argument("--data-dir", help="数据目录（默认 RATING_DATA_DIR 或 data/）")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("init", help="首次初始化：创建 admin 账号")
    r = sub.add_parser("reset-password", help="重置某账号的密码并打印新密码")
    r.add_argument("username")
    sub.add_parser("list", help="列出账号")
    args = p.parse_args(argv)
    store = AccountStore(args.data_dir)
    try:
        if args.cmd == "init":
            pw = store.ensure_initialized()
            if pw:
                print(admin_banner(pw, store.path))
            else:
                print("账号文件已存在，未作改动。")
        elif args.cmd == "reset-password":
            pw = store.reset_password(Actor("console", ADMIN), args.username)
            print(f"账号 {args.username.lower()} 的新密码（只显示这一次）：{pw}")
        else:
            for a in store.list_accounts():
                print(f"{a.username}\t{a.name}\t{a.role}\t{'已停用' if a.disabled else '正常'}")
    except AccountError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
