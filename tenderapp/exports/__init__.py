"""Writers of downloads (Excel, JSON) fed by domain and service results."""
