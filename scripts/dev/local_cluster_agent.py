#!/usr/bin/env python3
"""The two cluster services scripts/dev/local-cluster.sh has no Debian package for, kept in step
with the API server every two seconds (standard library and kubectl only):

- cluster DNS: a hosts file of every Service (`<clusterIP> <name>.<ns>.svc.cluster.local`) that
  dnsmasq serves; dnsmasq re-reads it on SIGHUP after each change;
- storage: a PersistentVolume (a hostPath directory) for each Pending claim of the provisioner's
  StorageClass, as Minikube's storage-provisioner does; a released one is deleted with its data.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PROVISIONED_LABEL = "todo.local/provisioned"


def kubectl(args: list[str], kube: list[str], stdin: str | None = None) -> str:
    done = subprocess.run(
        ["kubectl", *kube, *args], input=stdin, capture_output=True, text=True, timeout=30, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"kubectl {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def hosts_lines(services: list[dict[str, Any]], domain: str) -> list[str]:
    lines = []
    for service in services:
        ip = service.get("spec", {}).get("clusterIP")
        if ip and ip != "None":
            meta = service["metadata"]
            lines.append(f"{ip} {meta['name']}.{meta['namespace']}.svc.{domain}")
    return sorted(lines)


def persistent_volume(claim: dict[str, Any], path: Path, storage_class: str, provisioner: str) -> dict[str, Any]:
    meta = claim["metadata"]
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {
            "name": f"pvc-{meta['uid']}",
            "labels": {PROVISIONED_LABEL: "true"},
            "annotations": {"pv.kubernetes.io/provisioned-by": provisioner},
        },
        "spec": {
            "capacity": {"storage": claim["spec"]["resources"]["requests"]["storage"]},
            "accessModes": claim["spec"].get("accessModes") or ["ReadWriteOnce"],
            "persistentVolumeReclaimPolicy": "Delete",
            "storageClassName": storage_class,
            "hostPath": {"path": str(path), "type": "Directory"},
            "claimRef": {"namespace": meta["namespace"], "name": meta["name"], "uid": meta["uid"]},
        },
    }


def sync(args: argparse.Namespace, kube: list[str], last_hosts: str) -> str:
    objects = json.loads(
        kubectl(["get", "services,persistentvolumeclaims,persistentvolumes", "-A", "-o", "json"], kube)
    )
    by_kind: dict[str, list[dict[str, Any]]] = {"Service": [], "PersistentVolumeClaim": [], "PersistentVolume": []}
    for item in objects.get("items", []):
        by_kind.setdefault(item["kind"], []).append(item)

    hosts = "\n".join(hosts_lines(by_kind["Service"], args.domain)) + "\n"
    if hosts != last_hosts:
        args.hosts.write_text(hosts)
        pid = int(args.dnsmasq_pid.read_text().strip())
        os.kill(pid, signal.SIGHUP)

    bound = {pv["spec"].get("claimRef", {}).get("uid") for pv in by_kind["PersistentVolume"]}
    for claim in by_kind["PersistentVolumeClaim"]:
        uid = claim["metadata"]["uid"]
        if claim.get("status", {}).get("phase") != "Pending" or uid in bound:
            continue
        if claim["spec"].get("storageClassName") != args.storage_class:
            continue
        path = args.volumes / f"pvc-{uid}"
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o777)  # pods run as their own non-root users, which hostPath volumes do not chown for
        kubectl(
            ["create", "-f", "-"],
            kube,
            json.dumps(persistent_volume(claim, path, args.storage_class, args.provisioner)),
        )
        print(f"provisioned {path} for {claim['metadata']['namespace']}/{claim['metadata']['name']}", flush=True)
    for volume in by_kind["PersistentVolume"]:
        labels = volume["metadata"].get("labels") or {}
        if labels.get(PROVISIONED_LABEL) != "true" or volume.get("status", {}).get("phase") != "Released":
            continue
        path = Path(volume["spec"]["hostPath"]["path"])
        if path.parent == args.volumes:
            shutil.rmtree(path, ignore_errors=True)
        kubectl(["delete", "persistentvolume", volume["metadata"]["name"], "--wait=false"], kube)
        print(f"deleted {volume['metadata']['name']} and {path}", flush=True)
    return hosts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--hosts", type=Path, required=True)
    parser.add_argument("--dnsmasq-pid", type=Path, required=True)
    parser.add_argument("--volumes", type=Path, required=True)
    parser.add_argument("--domain", default="cluster.local")
    parser.add_argument("--storage-class", default="standard")
    parser.add_argument("--provisioner", default="todo.local/hostpath")
    parser.add_argument("--interval", type=float, default=2.0)
    args = parser.parse_args()
    kube = ["--kubeconfig", args.kubeconfig, "--request-timeout=10s"]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    last_hosts = ""
    while True:
        try:
            last_hosts = sync(args, kube, last_hosts)
        except (RuntimeError, OSError, ValueError, KeyError, subprocess.TimeoutExpired) as exc:
            # The API server restarting, a claim deleted meanwhile: said, and tried again next round.
            print(f"agent: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        time.sleep(args.interval)


if __name__ == "__main__":
    sys.exit(main())
