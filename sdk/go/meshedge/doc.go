// The edge of a gRPC platform on AWS EKS in one resource: an ALB or NLB in front of the Kong Ingress Controller (sized by Kong's worker/CPU rules), Istio or Kuma sidecar namespaces, and the gRPC services behind them.
package meshedge
