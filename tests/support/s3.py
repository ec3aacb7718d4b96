"""The S3 server of the tests (SeaweedFS): see reussite/devtools/seaweedfs.py, shared with the
storage benchmark."""

from reussite.devtools.seaweedfs import ServeurS3, ports_libres

__all__ = ["ServeurS3", "ports_libres"]
