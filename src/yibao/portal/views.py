from django.http import HttpResponse


def home(request):
    return HttpResponse("医保经办服务")
