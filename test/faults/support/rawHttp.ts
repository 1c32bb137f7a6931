/** Raw sockets, for requests a well-behaved client would never send. */
import { connect, type Socket } from "node:net";

export function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Resolves with the time the peer closed (or reset) the socket, or undefined after `withinMs`. */
export function closedWithin(socket: Socket, withinMs: number): Promise<number | undefined> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), withinMs);
    const done = () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    };
    socket.once("close", done);
    socket.on("error", () => {});
  });
}

/** Collects what the server sends until the first blank line after the status line (the head). */
export function responseHead(socket: Socket, withinMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let received = "";
    const timer = setTimeout(() => finish(undefined), withinMs);
    const onData = (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (received.includes("\r\n\r\n")) finish(received.slice(0, received.indexOf("\r\n\r\n")));
    };
    const finish = (head: string | undefined) => {
      clearTimeout(timer);
      socket.off("data", onData);
      resolve(head);
    };
    socket.on("data", onData);
    socket.once("close", () => finish(received.length > 0 ? received : undefined));
    socket.on("error", () => {});
  });
}
