package strimzi

import corev1 "k8s.io/api/core/v1"

func corev1ResourceName(s string) corev1.ResourceName { return corev1.ResourceName(s) }
