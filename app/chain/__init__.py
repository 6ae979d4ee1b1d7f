"""Chain access shared by the gateway and the tooling: roles, deployment manifest, web3 client."""
