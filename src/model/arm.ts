// The canonical model is ARM JSON: resources keep exactly the shape Azure Resource Manager returns.

/** A reference to another resource, as ARM writes it: `{ "id": "/subscriptions/..." }`. */
export interface SubResource {
  id: string;
}

export interface Sku {
  name?: string;
  tier?: string;
  capacity?: number;
}

/** Any ARM resource. `P` is the shape of its `properties`. */
export interface ArmResource<P extends object = object> {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  etag?: string;
  kind?: string;
  sku?: Sku;
  /** Tenant of the subscription that holds the resource (vnetlab extension; Azure knows it from the subscription). */
  tenantId?: string;
  properties?: P;
}
