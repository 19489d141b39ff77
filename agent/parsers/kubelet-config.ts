import { isIP } from 'node:net';
import { parseDocument } from 'yaml';
import { SignalError } from '../host/read-text.js';

/** The DNS-related fields of a KubeletConfiguration (kubelet.config.k8s.io/v1beta1). */
export interface KubeletDnsConfig {
  /** clusterDNS: the IPs pods get as nameservers (CoreDNS service IP, or NodeLocal DNSCache's). */
  readonly clusterDNS: readonly string[];
  /** clusterDomain without a trailing dot; undefined when the field is absent. */
  readonly clusterDomain: string | undefined;
  /**
   * resolvConf: the file pods with dnsPolicy Default (and CoreDNS' upstream) inherit. undefined when the
   * field is absent (the kubelet then uses /etc/resolv.conf); "" turns inheritance off.
   */
  readonly resolvConf: string | undefined;
}

const KIND = 'KubeletConfiguration';
const API_GROUP = 'kubelet.config.k8s.io/';
/** A kubelet config has no anchors at all; a handful is generous, thousands is an alias bomb. */
const MAX_ALIAS_COUNT = 50;
/** RFC 1123 labels, as the kubelet validates clusterDomain. */
const DOMAIN =
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own properties only: a hostile "__proto__" key must not be read through the prototype chain. */
function field(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function toJs(source: string, text: string): unknown {
  try {
    const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
    const [first] = document.errors;
    if (first) throw new SignalError(`${source}: not valid YAML (${first.message.split('\n')[0]})`);
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof SignalError) throw error;
    // The yaml package throws plain errors for alias bombs and similar; keep the reason, not the type.
    throw new SignalError(
      `${source}: not valid YAML (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

function optionalString(source: string, record: Record<string, unknown>, key: string): string | undefined {
  const value = field(record, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SignalError(`${source}: ${key} must be a string`);
  return value;
}

/**
 * Reads clusterDNS, clusterDomain and resolvConf from a KubeletConfiguration file (YAML as kubeadm writes
 * it, or JSON as the EKS AMIs do: JSON is YAML). Malformed files and wrong field types are SignalErrors;
 * unknown fields are ignored, as the kubelet's lenient decoding does.
 */
export function parseKubeletConfig(source: string, text: string): KubeletDnsConfig {
  const root = toJs(source, text);
  if (root === null || root === undefined) throw new SignalError(`${source}: empty document`);
  if (!isRecord(root)) throw new SignalError(`${source}: expected a KubeletConfiguration mapping`);

  const kind = field(root, 'kind');
  if (kind !== undefined && kind !== KIND) {
    throw new SignalError(`${source}: kind is ${JSON.stringify(kind)}, expected ${KIND}`);
  }
  const apiVersion = field(root, 'apiVersion');
  if (apiVersion !== undefined && (typeof apiVersion !== 'string' || !apiVersion.startsWith(API_GROUP))) {
    throw new SignalError(`${source}: apiVersion ${JSON.stringify(apiVersion)} is not ${API_GROUP}*`);
  }

  const dnsField = field(root, 'clusterDNS');
  const clusterDNS: string[] = [];
  if (dnsField !== undefined && dnsField !== null) {
    if (!Array.isArray(dnsField)) throw new SignalError(`${source}: clusterDNS must be a list of IPs`);
    for (const entry of dnsField) {
      if (typeof entry !== 'string' || isIP(entry) === 0) {
        throw new SignalError(`${source}: clusterDNS entry ${JSON.stringify(entry)} is not an IP address`);
      }
      clusterDNS.push(entry);
    }
  }

  let clusterDomain = optionalString(source, root, 'clusterDomain');
  if (clusterDomain !== undefined) {
    clusterDomain = clusterDomain.replace(/\.$/, '');
    if (clusterDomain === '') clusterDomain = undefined;
    else if (!DOMAIN.test(clusterDomain)) {
      throw new SignalError(`${source}: clusterDomain ${JSON.stringify(clusterDomain)} is not a DNS name`);
    }
  }

  return { clusterDNS, clusterDomain, resolvConf: optionalString(source, root, 'resolvConf') };
}
