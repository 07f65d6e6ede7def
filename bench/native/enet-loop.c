/* bench:enet's C baseline: the same loop as bench/enet.bench.ts, written in C against Debian's
 * libenet (libenet-dev), so the TS ENet is compared with libenet itself and not with libenet
 * behind koffi's per-call cost. One process, two hosts on 127.0.0.1 with ENet's defaults; the
 * client keeps QUEUE_MESSAGES not yet received queued, calls enet_host_service(client, 0), then
 * drains the server with enet_host_service(server, 0) until it has no event; the server counts.
 * Ends after >= min_ms and >= min_messages, or at max_ms.
 * Usage: enet-loop SIZE_BYTES MIN_MS MIN_MESSAGES MAX_MS QUEUE_MESSAGES
 * Prints one JSON object: {"messages":…,"bytes":…,"ms":…,"cpu_ms":…,"rtt_ms":…,"datagrams":…}, datagrams being
 * both hosts' sent since they were created (the handshake's few included). */
#include <enet/enet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CONNECT_TIMEOUT_MS 5000
#define PEER_LIMIT 4
#define CHANNELS 1

static double now_ms(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int fail(const char *what) {
  fprintf(stderr, "enet-loop: %s\n", what);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 6) return fail("usage: enet-loop SIZE_BYTES MIN_MS MIN_MESSAGES MAX_MS QUEUE_MESSAGES");
  const size_t size = strtoul(argv[1], NULL, 10);
  const double min_ms = atof(argv[2]);
  const unsigned long min_messages = strtoul(argv[3], NULL, 10);
  const double max_ms = atof(argv[4]);
  const unsigned long queue = strtoul(argv[5], NULL, 10);
  if (size == 0 || queue == 0) return fail("size and queue must be > 0");
  if (enet_initialize() != 0) return fail("enet_initialize failed");

  ENetAddress bind = { .host = ENET_HOST_ANY, .port = 0 };
  enet_address_set_host_ip(&bind, "127.0.0.1");
  ENetHost *server = enet_host_create(&bind, PEER_LIMIT, CHANNELS, 0, 0);
  ENetAddress client_bind = { .host = bind.host, .port = 0 };
  ENetHost *client = enet_host_create(&client_bind, PEER_LIMIT, CHANNELS, 0, 0);
  if (server == NULL || client == NULL) return fail("enet_host_create failed");
  ENetAddress server_addr;
  if (enet_socket_get_address(server->socket, &server_addr) != 0) return fail("no server address");
  ENetPeer *peer = enet_host_connect(client, &server_addr, CHANNELS, 0);
  if (peer == NULL) return fail("enet_host_connect failed");

  ENetEvent event;
  int connected = 0;
  const double connect_start = now_ms(CLOCK_MONOTONIC);
  while (!connected && now_ms(CLOCK_MONOTONIC) - connect_start < CONNECT_TIMEOUT_MS) {
    while (enet_host_service(client, &event, 0) > 0) if (event.type == ENET_EVENT_TYPE_CONNECT) connected = 1;
    while (enet_host_service(server, &event, 0) > 0) {}
  }
  if (!connected) return fail("did not connect");

  unsigned char *payload = malloc(size);
  memset(payload, 0xab, size);
  unsigned long sent = 0, received = 0;
  unsigned long long bytes = 0;
  const double start = now_ms(CLOCK_MONOTONIC);
  const double cpu_start = now_ms(CLOCK_PROCESS_CPUTIME_ID);
  double elapsed = 0;
  for (;;) {
    while (sent - received < queue) {
      enet_peer_send(peer, 0, enet_packet_create(payload, size, ENET_PACKET_FLAG_RELIABLE));
      sent++;
    }
    enet_host_service(client, &event, 0);
    while (enet_host_service(server, &event, 0) > 0) {
      if (event.type == ENET_EVENT_TYPE_RECEIVE) {
        received++;
        bytes += event.packet->dataLength;
        enet_packet_destroy(event.packet);
      }
    }
    elapsed = now_ms(CLOCK_MONOTONIC) - start;
    if ((elapsed >= min_ms && received >= min_messages) || elapsed >= max_ms) break;
  }
  const double cpu_ms = now_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
  printf("{\"messages\":%lu,\"bytes\":%llu,\"ms\":%.3f,\"cpu_ms\":%.3f,\"rtt_ms\":%u,\"datagrams\":%u}\n", received, bytes,
         elapsed, cpu_ms, peer->roundTripTime, client->totalSentPackets + server->totalSentPackets);
  free(payload);
  enet_host_destroy(client);
  enet_host_destroy(server);
  enet_deinitialize();
  return 0;
}
