/**
 * A short-lived self-signed certificate for 127.0.0.1 and localhost, so the local companion endpoint
 * can be reached over https as Azure DevOps requires. Made with the system's openssl.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface LocalCertificate {
  /** PEM private key. */
  key: string;
  /** PEM certificate; also the only CA a client needs to trust it. */
  cert: string;
  keyFile: string;
  certFile: string;
}

/** Writes key.pem and cert.pem into `dir` (which the caller owns and removes) and returns them. */
export function generateLocalCertificate(dir: string): LocalCertificate {
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  const args = [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    "-subj", "/CN=localhost",
    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout", keyFile, "-out", certFile,
  ];
  try {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (failure.code === "ENOENT") {
      throw new Error("openssl was not found on PATH; it is needed to make the local https certificate (Debian/Ubuntu: apt-get install openssl).");
    }
    throw new Error(`openssl could not make the local https certificate: ${failure.stderr?.toString().trim() || failure.message}`);
  }
  return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), keyFile, certFile };
}
