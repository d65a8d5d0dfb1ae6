/*
 * The delivery benchmark's libcurl floor: the least any program can do to send COUNT
 * messages of SIZE bytes through libcurl's SMTP client over CONNECTIONS connections, one
 * thread and one easy handle per connection (connection reused, TCP_NODELAY, 16 kB upload
 * buffer, one recipient per transaction), the messages already in memory: no spool, no
 * log, no results kept. Herald's `herald deliver` does that and everything else.
 *
 * Built by Benchmarks/deliver.py: cc -O2 -o curl_easy curl_easy.c -lcurl -lpthread
 * Usage: curl_easy COUNT CONNECTIONS SIZE smtp://127.0.0.1:PORT
 * Prints one JSON line: {"messages", "seconds", "messages_per_second", "failed"}.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct upload { const char *data; size_t length, offset; };

static size_t read_callback(char *buffer, size_t size, size_t count, void *context) {
  struct upload *upload = context;
  size_t room = size * count, left = upload->length - upload->offset;
  if (room > left) room = left;
  memcpy(buffer, upload->data + upload->offset, room);
  upload->offset += room;
  return room;
}

static size_t header_callback(char *buffer, size_t size, size_t count, void *context) {
  (void)buffer; (void)context;
  return size * count;
}

static int per_connection;
static const char *url;
static char *message;
static size_t message_size;
static int failures;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *connection(void *unused) {
  (void)unused;
  CURL *handle = curl_easy_init();
  struct upload upload = { message, message_size, 0 };
  struct curl_slist *recipients = curl_slist_append(NULL, "<reader@example.com>");
  if (!handle || !recipients) { fprintf(stderr, "curl_easy: out of memory\n"); exit(1); }
  curl_easy_setopt(handle, CURLOPT_URL, url);
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(handle, CURLOPT_UPLOAD_BUFFERSIZE, 16384L);
  curl_easy_setopt(handle, CURLOPT_MAIL_FROM, "<press@example.org>");
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, read_callback);
  curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, header_callback);
  curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, (curl_off_t)message_size);
  for (int index = 0; index < per_connection; index++) {
    upload.offset = 0;
    if (curl_easy_perform(handle) != CURLE_OK) {
      pthread_mutex_lock(&lock);
      failures++;
      pthread_mutex_unlock(&lock);
    }
  }
  curl_slist_free_all(recipients);
  curl_easy_cleanup(handle);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 5) { fprintf(stderr, "usage: curl_easy COUNT CONNECTIONS SIZE URL\n"); return 2; }
  int count = atoi(argv[1]), connections = atoi(argv[2]);
  message_size = (size_t)atol(argv[3]);
  url = argv[4];
  if (count <= 0 || connections <= 0 || connections > 64 || message_size < 64) { fprintf(stderr, "curl_easy: bad arguments\n"); return 2; }
  per_connection = count / connections;
  /* A message of SIZE bytes: a header, then 76-character lines, CRLF-ended. */
  message = malloc(message_size);
  const char *head = "From: press@example.org\r\nTo: reader@example.com\r\nSubject: Benchmark\r\n\r\n";
  size_t at = strlen(head);
  memcpy(message, head, at);
  for (size_t column = 0; at < message_size; at++, column++) {
    if (column == 76) { message[at] = '\r'; } else if (column == 77) { message[at] = '\n'; column = (size_t)-1; } else { message[at] = 'a' + (char)(column % 26); }
  }
  message[message_size - 2] = '\r';
  message[message_size - 1] = '\n';
  curl_global_init(CURL_GLOBAL_DEFAULT);
  pthread_t threads[64];
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int index = 0; index < connections; index++) pthread_create(&threads[index], NULL, connection, NULL);
  for (int index = 0; index < connections; index++) pthread_join(threads[index], NULL);
  clock_gettime(CLOCK_MONOTONIC, &end);
  double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
  int sent = per_connection * connections;
  printf("{\"messages\": %d, \"seconds\": %.6f, \"messages_per_second\": %.1f, \"failed\": %d}\n", sent, seconds, sent / seconds, failures);
  return failures ? 1 : 0;
}
