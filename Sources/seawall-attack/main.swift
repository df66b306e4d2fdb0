print("placeholder: being written")
