#include <iostream>
int main() { std::cout << "whm_transfer_exporter\n"; }
