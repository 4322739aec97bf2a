// Preloaded with `node --require` into a child process: every way Node can open a network connection or
// resolve a name is replaced by a function that records the attempt (appends a line to the file named
// by RELIABILITY_NET_LOG) and throws. Loaded before any project code, so nothing can grab the originals.
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const tls = require('node:tls');
const http = require('node:http');
const https = require('node:https');
const http2 = require('node:http2');
const dns = require('node:dns');
const dgram = require('node:dgram');

const logFile = process.env.RELIABILITY_NET_LOG;
function blocked(what) {
  return function () {
    const where = new Error().stack.split('\n').slice(2, 6).join(' | ');
    if (logFile) fs.appendFileSync(logFile, `${what} ${where}\n`);
    throw new Error(`network access attempted: ${what}`);
  };
}

net.Socket.prototype.connect = blocked('net.Socket.connect');
net.connect = net.createConnection = blocked('net.connect');
tls.connect = blocked('tls.connect');
http.request = http.get = blocked('http.request');
https.request = https.get = blocked('https.request');
http2.connect = blocked('http2.connect');
dgram.createSocket = blocked('dgram.createSocket');
for (const fn of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveTxt', 'resolveSrv', 'reverse']) {
  dns[fn] = blocked(`dns.${fn}`);
  if (dns.promises) dns.promises[fn] = blocked(`dns.promises.${fn}`);
}
globalThis.fetch = blocked('fetch');
if (typeof globalThis.WebSocket === 'function') globalThis.WebSocket = blocked('WebSocket');
if (typeof globalThis.EventSource === 'function') globalThis.EventSource = blocked('EventSource');
