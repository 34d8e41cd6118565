variable "project_id" {
  description = "The Google Cloud project to create everything in."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6-30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "The region of the (regional) cluster, its subnet and the Artifact Registry repository, e.g. europe-west1."
  type        = string
  default     = "europe-west1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a Google Cloud region such as europe-west1 or us-central1 (not a zone)."
  }
}

variable "name" {
  description = "The prefix of every resource's name (network, cluster, node pools, repository)."
  type        = string
  default     = "sobel"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name))
    error_message = "name must be 3-20 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "subnet_cidr" {
  description = "The primary range of the nodes' subnet."
  type        = string
  default     = "10.10.0.0/20"

  validation {
    condition     = can(cidrnetmask(var.subnet_cidr))
    error_message = "subnet_cidr must be an IPv4 CIDR block such as 10.10.0.0/20."
  }
}

variable "pods_cidr" {
  description = "The secondary range for pod IPs (VPC-native cluster)."
  type        = string
  default     = "10.20.0.0/14"

  validation {
    condition     = can(cidrnetmask(var.pods_cidr))
    error_message = "pods_cidr must be an IPv4 CIDR block such as 10.20.0.0/14."
  }
}

variable "services_cidr" {
  description = "The secondary range for Service IPs."
  type        = string
  default     = "10.30.0.0/20"

  validation {
    condition     = can(cidrnetmask(var.services_cidr))
    error_message = "services_cidr must be an IPv4 CIDR block such as 10.30.0.0/20."
  }
}

variable "master_cidr" {
  description = "The /28 range of the private control plane."
  type        = string
  default     = "172.16.0.0/28"

  validation {
    condition     = can(cidrnetmask(var.master_cidr)) && endswith(var.master_cidr, "/28")
    error_message = "master_cidr must be an IPv4 /28 block such as 172.16.0.0/28."
  }
}

variable "authorized_networks" {
  description = "CIDR blocks allowed to reach the cluster's API (kubectl), e.g. your office or VPN. Empty: none but Google Cloud's internal paths."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for cidr in var.authorized_networks : can(cidrnetmask(cidr))])
    error_message = "authorized_networks must be IPv4 CIDR blocks such as 203.0.113.0/24."
  }
}

variable "release_channel" {
  description = "The GKE release channel."
  type        = string
  default     = "REGULAR"

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE"], var.release_channel)
    error_message = "release_channel must be RAPID, REGULAR or STABLE."
  }
}

variable "coordinator_machine_type" {
  description = "Machine type of the coordinator pool (sobel serve, RabbitMQ, Redis): memory for decoded uploads matters most."
  type        = string
  default     = "e2-standard-4"

  validation {
    condition     = can(regex("^[a-z0-9]+-[a-z0-9]+-[0-9]+$", var.coordinator_machine_type))
    error_message = "coordinator_machine_type must be a machine type such as e2-standard-4."
  }
}

variable "coordinator_nodes_per_zone" {
  description = "Coordinator pool size per zone, as autoscaling bounds (a regional cluster has three zones)."
  type        = object({ min = number, max = number })
  default     = { min = 1, max = 2 }

  validation {
    condition     = var.coordinator_nodes_per_zone.min >= 1 && var.coordinator_nodes_per_zone.max >= var.coordinator_nodes_per_zone.min && var.coordinator_nodes_per_zone.max <= 10
    error_message = "coordinator_nodes_per_zone needs 1 <= min <= max <= 10."
  }
}

variable "worker_machine_type" {
  description = "Machine type of the spot worker pool (sobel work): compute-bound, AVX-512 helps (c3, n2, c2d)."
  type        = string
  default     = "c3-highcpu-8"

  validation {
    condition     = can(regex("^[a-z0-9]+-[a-z0-9]+-[0-9]+$", var.worker_machine_type))
    error_message = "worker_machine_type must be a machine type such as c3-highcpu-8."
  }
}

variable "worker_nodes_per_zone" {
  description = "Worker pool size per zone, as autoscaling bounds; KEDA adds worker pods, the cluster autoscaler adds nodes."
  type        = object({ min = number, max = number })
  default     = { min = 0, max = 10 }

  validation {
    condition     = var.worker_nodes_per_zone.min >= 0 && var.worker_nodes_per_zone.max >= max(1, var.worker_nodes_per_zone.min) && var.worker_nodes_per_zone.max <= 100
    error_message = "worker_nodes_per_zone needs 0 <= min <= max, 1 <= max <= 100."
  }
}

variable "deletion_protection" {
  description = "Whether Terraform refuses to destroy the cluster. Turn off only to tear everything down."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels put on every resource that takes them."
  type        = map(string)
  default     = { app = "swift-sobel" }

  validation {
    condition     = alltrue([for key, value in var.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", key)) && can(regex("^[a-z0-9_-]{0,63}$", value))])
    error_message = "labels need lowercase keys and values of letters, digits, _ or -."
  }
}
