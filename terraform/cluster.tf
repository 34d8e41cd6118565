# A regional GKE cluster (three zones) with Workload Identity, private nodes, Dataplane V2 (which enforces
# the NetworkPolicies of k8s/) and two node pools: on-demand for the coordinator, RabbitMQ and Redis,
# spot for the workers.
resource "google_container_cluster" "main" {
  name     = var.name
  location = var.region
  network  = google_compute_network.main.id

  subnetwork          = google_compute_subnetwork.nodes.id
  networking_mode     = "VPC_NATIVE"
  datapath_provider   = "ADVANCED_DATAPATH"
  deletion_protection = var.deletion_protection
  resource_labels     = var.labels

  # The node pools below replace the default one.
  remove_default_node_pool = true
  initial_node_count       = 1

  ip_allocation_policy {
    cluster_secondary_range_name  = "pods"
    services_secondary_range_name = "services"
  }

  workload_identity_config {
    workload_pool = "${var.project_id}.svc.id.goog"
  }

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
    master_ipv4_cidr_block  = var.master_cidr
  }

  master_authorized_networks_config {
    dynamic "cidr_blocks" {
      for_each = var.authorized_networks
      content {
        cidr_block   = cidr_blocks.value
        display_name = "authorized ${cidr_blocks.key}"
      }
    }
  }

  release_channel {
    channel = var.release_channel
  }

  master_auth {
    client_certificate_config {
      issue_client_certificate = false
    }
  }

  enable_intranode_visibility = true
  enable_shielded_nodes       = true

  binary_authorization {
    evaluation_mode = "PROJECT_SINGLETON_POLICY_ENFORCE"
  }

  addons_config {
    http_load_balancing {
      disabled = false
    }
  }

  logging_config {
    enable_components = ["SYSTEM_COMPONENTS", "WORKLOADS"]
  }

  monitoring_config {
    enable_components = ["SYSTEM_COMPONENTS"]
    managed_prometheus {
      enabled = true
    }
  }

  # checkov:skip=CKV_GCP_65:RBAC through Google Groups needs a Workspace domain; access is granted per user with IAM instead (docs/deploy.md).
  # checkov:skip=CKV_GCP_12:NetworkPolicy is enforced by Dataplane V2 (datapath_provider ADVANCED_DATAPATH), which replaces the network_policy addon.
  # checkov:skip=CKV_GCP_69:The default node pool is removed; both node pools below set workload_metadata_config to GKE_METADATA.
  # checkov:skip=CKV_GCP_24:PodSecurityPolicy was removed from Kubernetes in 1.25; the sobel namespace uses Pod Security admission labels.
}

locals {
  # On-demand nodes for the coordinator, RabbitMQ and Redis; spot nodes, tainted so that only the workers
  # (which tolerate preemption: their chunks return to the queue) land there.
  node_pools = {
    coordinator = {
      machine_type = var.coordinator_machine_type
      nodes        = var.coordinator_nodes_per_zone
      spot         = false
    }
    workers = {
      machine_type = var.worker_machine_type
      nodes        = var.worker_nodes_per_zone
      spot         = true
    }
  }
}

resource "google_container_node_pool" "pools" {
  for_each = local.node_pools
  name     = each.key
  cluster  = google_container_cluster.main.id
  location = var.region

  autoscaling {
    min_node_count = each.value.nodes.min
    max_node_count = each.value.nodes.max
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    machine_type    = each.value.machine_type
    image_type      = "COS_CONTAINERD"
    spot            = each.value.spot
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    resource_labels = var.labels

    dynamic "taint" {
      for_each = each.value.spot ? ["spot"] : []
      content {
        key    = "cloud.google.com/gke-spot"
        value  = "true"
        effect = "NO_SCHEDULE"
      }
    }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }
}
