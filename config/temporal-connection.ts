/**
 * The TLS and authentication part of every Temporal connection shardpilot opens (the
 * worker's NativeConnection, the API's client, the scripts' readiness checks), built
 * from the typed config in one place so they cannot disagree:
 * - Temporal Cloud with an API key: TLS with the system CAs, the key as bearer token.
 * - Temporal Cloud or a self-hosted cluster with mTLS: the client certificate and key.
 * - A private CA: its certificate (and, if needed, the name the server's certificate has).
 * An API key is only ever sent over TLS.
 */
import { readFileSync } from 'node:fs';
import type { TemporalConfig } from './index.js';

export interface TemporalTlsOptions {
  serverNameOverride?: string;
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

export interface TemporalAuthOptions {
  tls: TemporalTlsOptions | undefined;
  apiKey?: string;
}

type TlsSettings = Pick<TemporalConfig, 'tls' | 'apiKey' | 'clientCert' | 'serverCaPath' | 'serverName'>;

export function usesTls(config: TlsSettings): boolean {
  return config.tls || config.apiKey !== undefined || config.clientCert !== undefined || config.serverCaPath !== undefined;
}

/** Reads the certificate files (at connect time, so a rotated certificate is picked up on restart). */
export function temporalAuthOptions(config: TlsSettings): TemporalAuthOptions {
  if (!usesTls(config)) return { tls: undefined };
  const tls: TemporalTlsOptions = {};
  if (config.clientCert) {
    tls.clientCertPair = { crt: readFileSync(config.clientCert.certPath), key: readFileSync(config.clientCert.keyPath) };
  }
  if (config.serverCaPath) tls.serverRootCACertificate = readFileSync(config.serverCaPath);
  if (config.serverName) tls.serverNameOverride = config.serverName;
  return { tls, ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }) };
}
