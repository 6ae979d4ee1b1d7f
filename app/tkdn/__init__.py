"""TKDN certificates: domestic-content figures of certified products."""
