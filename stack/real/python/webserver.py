"""The dozen-line socket server of the talk's world (lesson 1), as it was
written: listen, accept one connection, read from it once, print what
arrived, send a fixed answer, close, and wait for the next. The answer
is the lab's: the lesson expects its words.

    python3 webserver.py HOST PORT
"""
import socket
import sys

HOST, PORT = sys.argv[1], int(sys.argv[2])

listen_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listen_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listen_socket.bind((HOST, PORT))
listen_socket.listen(1)
print(f'Serving your very own HTTP on port {PORT} ...')

while True:
    client_connection, client_address = listen_socket.accept()
    request_data = client_connection.recv(1024)
    print(request_data.decode('utf-8', 'replace'))

    http_response = b"""\
HTTP/1.1 200 OK

Hello, World! (from a raw socket)
"""
    client_connection.sendall(http_response)
    client_connection.close()
