/**
 * Temporal Cloud / private-CA settings: the config module reads and checks them, and
 * every connection shardpilot opens gets the same TLS options from them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { temporalAuthOptions } from '../../config/temporal-connection.js';
import { connectionOptions } from '../../scripts/dev-server.js';

const dir = mkdtempSync(join(tmpdir(), 'shardpilot-tls-'));
const pem = (name: string, label: string) => {
  const path = join(dir, name);
  writeFileSync(path, `-----BEGIN ${label}-----\nMIIB${name}\n-----END ${label}-----\n`);
  return path;
};
const cert = pem('client.pem', 'CERTIFICATE');
const key = pem('client.key', 'PRIVATE KEY');
const ca = pem('ca.pem', 'CERTIFICATE');
const notPem = join(dir, 'notes.txt');
writeFileSync(notPem, 'not a certificate');

describe('Temporal TLS configuration', () => {
  it('connects in plain text by default', () => {
    const config = loadConfig({});
    expect(temporalAuthOptions(config.temporal)).toEqual({ tls: undefined });
  });

  it('reads an mTLS client certificate and key, and a private CA with a server name', () => {
    const { temporal } = loadConfig({
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key, TEMPORAL_TLS_CA: ca, TEMPORAL_TLS_SERVER_NAME: 'frontend.internal',
    });
    expect(temporal.clientCert).toEqual({ certPath: cert, keyPath: key });
    const options = temporalAuthOptions(temporal);
    expect(options.tls?.clientCertPair?.crt.toString()).toContain('MIIBclient.pem');
    expect(options.tls?.clientCertPair?.key.toString()).toContain('MIIBclient.key');
    expect(options.tls?.serverRootCACertificate?.toString()).toContain('MIIBca.pem');
    expect(options.tls?.serverNameOverride).toBe('frontend.internal');
    expect(options.apiKey).toBeUndefined();
    // The scripts' readiness checks use the same options.
    expect(connectionOptions(temporal).tls).toEqual(options.tls);
  });

  it('sends an API key only over TLS, with the system CAs', () => {
    const { temporal } = loadConfig({ TEMPORAL_API_KEY: 'secret-key' });
    expect(temporalAuthOptions(temporal)).toEqual({ tls: {}, apiKey: 'secret-key' });
  });

  it('refuses a certificate without its key, and files that are missing or not PEM, naming the variable', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: cert })).toThrow(/TEMPORAL_TLS_KEY.*must be set together with TEMPORAL_TLS_CERT/);
    expect(() => loadConfig({ TEMPORAL_TLS_KEY: key })).toThrow(/TEMPORAL_TLS_CERT.*must be set together with TEMPORAL_TLS_KEY/);
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: join(dir, 'missing.pem'), TEMPORAL_TLS_KEY: key })).toThrow(/TEMPORAL_TLS_CERT=.*must name a readable PEM file/);
    expect(() => loadConfig({ TEMPORAL_TLS_CA: notPem })).toThrow(/TEMPORAL_TLS_CA=.*no -----BEGIN line/);
  });
});

describe('observability configuration', () => {
  it('logs JSON with metrics and health off by default', () => {
    expect(loadConfig({}).observability).toEqual({ logFormat: 'json', metrics: undefined, workerHealthPort: undefined, host: '127.0.0.1' });
  });

  it('reads the metrics and health ports and the log format, naming a bad one', () => {
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0', WORKER_HEALTH_PORT: '8080', LOG_FORMAT: 'text' }).observability).toEqual({
      logFormat: 'text', metrics: { host: '0.0.0.0', port: 9464 }, workerHealthPort: 8080, host: '0.0.0.0',
    });
    expect(() => loadConfig({ METRICS_PORT: 'x' })).toThrow(/METRICS_PORT="x" — must be a whole number/);
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT="xml" — must be json or text/);
  });
});
